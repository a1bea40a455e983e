package org.flipstorm.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.flipstorm.inject.InjectableNetworks;
import org.flipstorm.inject.InjectionEngine;
import org.flipstorm.zoo.ZooException;
import org.flipstorm.zoo.data.ImageSet;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.store.ModelStore;

/**
 * Per-JVM caches of an executor: each model is read once per JVM (keyed by path and weights
 * hash; remote paths such as hdfs: are fetched through Hadoop, see {@link ModelFiles}) and each concurrent task borrows its own copy of the network, since DL4J layers
 * are not thread-safe; datasets are read once per JVM.
 */
final class ExecutorResources {
    private static final ConcurrentHashMap<String, Model> MODELS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Queue<InjectionEngine>> IDLE = new ConcurrentHashMap<>();

    static {
        Dl4jRuntime.configure();
    }

    private ExecutorResources() {}

    /** An engine for the campaign's model, for this task alone until {@link #release}. */
    static InjectionEngine borrow(CampaignContext ctx) {
        String key = key(ctx);
        InjectionEngine idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (idle != null) {
            return idle;
        }
        Model original = MODELS.computeIfAbsent(key, k -> load(ctx));
        Model copy;
        synchronized (original) {
            copy = original instanceof ComputationGraph g ? g.clone() : ((MultiLayerNetwork) original).clone();
        }
        return new InjectionEngine(InjectableNetworks.of(copy), ctx.maxBatch(), true, ctx.nearTie(), ctx.cone());
    }

    /** Gives an engine back for the next task of this JVM. */
    static void release(CampaignContext ctx, InjectionEngine engine) {
        IDLE.computeIfAbsent(key(ctx), k -> new ConcurrentLinkedQueue<>()).add(engine);
    }

    /** The campaign's images. */
    static ImageSet images(CampaignContext ctx, Map<String, String> hadoop) {
        try {
            return CampaignImages.load(ctx.images(), ctx.imageLayout(), ShardStore.configuration(hadoop));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ZooException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String key(CampaignContext ctx) {
        return ctx.modelPath() + "|" + ctx.weightsSha256() + "|" + ctx.maxBatch() + "|" + ctx.nearTie() + "|" + ctx.cone();
    }

    private static Model load(CampaignContext ctx) {
        ModelStore.LoadedModel m;
        try {
            m = ModelStore.load(ModelFiles.local(ctx.modelPath(), new org.apache.hadoop.conf.Configuration()));
        } catch (IOException e) {
            throw new IllegalStateException("executor cannot fetch the model " + ctx.modelPath() + ": "
                    + e.getMessage(), e);
        } catch (ZooException e) {
            throw new IllegalStateException("executor cannot load the model: " + e.getMessage(), e);
        }
        if (!m.card().weightsSha256().equals(ctx.weightsSha256())) {
            throw new IllegalStateException("model " + ctx.modelPath() + " changed since the campaign was planned:"
                    + " weights hash " + m.card().weightsSha256() + ", planned with " + ctx.weightsSha256());
        }
        return m.network();
    }
}
