package org.flipstorm.zoo.nets.vit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of the transformer's own layers: named blocks laid out one after the other in the
 * layer's flat view, none of them a "weight" or "bias" to DL4J, so that no L2 reaches them (as is
 * usual for norms and position embeddings; the study recipe's all-parameter decay still does).
 */
final class VectorParams implements ParamInitializer {
    /** One named block: its key, its shape for a layer, and its initial values. */
    interface Block {
        String key();

        long[] shape(Layer layer);

        void initialise(Layer layer, INDArray values);
    }

    private final List<Block> blocks;

    VectorParams(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long n = 0;
        for (Block b : blocks) {
            n += length(b.shape(layer));
        }
        return n;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return blocks.stream().map(Block::key).toList();
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
        Map<String, INDArray> params = getGradientsFromFlattened(conf, view);
        if (initialize) {
            for (Block b : blocks) {
                b.initialise(conf.getLayer(), params.get(b.key()));
            }
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        INDArray flat = view.reshape(view.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        long at = 0;
        for (Block b : blocks) {
            long[] shape = b.shape(conf.getLayer());
            long n = length(shape);
            out.put(b.key(), flat.get(NDArrayIndex.interval(at, at + n)).reshape('c', shape));
            at += n;
        }
        return out;
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
