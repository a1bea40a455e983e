package org.flipstorm.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.flipstorm.zoo.nets.LeNet;
import org.flipstorm.zoo.nets.ResNetCifar;
import org.flipstorm.zoo.store.ModelCard;
import org.flipstorm.zoo.store.ModelStore;
import org.nd4j.linalg.factory.Nd4j;

/** Campaign fixtures: a small saved LeNet and a config file pointing at it and at the repository's image slice. */
public final class Fixtures {
    /** The 500-image Fashion-MNIST test slice kept in the repository (tests run in the module directory). */
    static final Path SLICE = Path.of("../model-zoo/data/fashion-mnist-test-500").toAbsolutePath().normalize();

    private Fixtures() {}

    /**
     * A local[1] session on loopback for reading a campaign's Parquet back, created on first use;
     * the test class stops it with {@link #stopReader} in its {@code @AfterAll}.
     */
    public static org.apache.spark.sql.SparkSession reader() {
        return org.apache.spark.sql.SparkSession.builder().master("local[1]").appName("read-back")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    /** Stops the session of {@link #reader}, if one is running. */
    public static void stopReader() {
        org.apache.spark.sql.SparkSession.getDefaultSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    /**
     * What one run of the campaign command printed.
     *
     * @param status exit status
     * @param out standard output
     * @param err standard error
     */
    public record Outcome(int status, String out, String err) {}

    /** The sampling of reference.conf (every default). */
    static Sampling defaultSampling() {
        return CampaignConfig.fromHocon("campaign { name = d, model = m.zip, images { dataset = fashion-mnist,"
                + " count = 1 }, trials-per-layer = 1 }").sampling();
    }

    /** Runs the campaign command in this JVM with {@code argv} and captures what it prints. */
    public static Outcome campaign(String... argv) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = CampaignMain.run(argv, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Saves a narrow LeNet with seeded weights (untrained) and its card into {@code dir}. */
    static Path saveTinyModel(Path dir) throws IOException {
        return save(LeNet.build(new LeNet.Options(1, 28, 28, 10, 4, 8, 32, 1e-3, 0, 11)), "tiny-lenet", "lenet", dir);
    }

    /** Saves a ResNet-8 graph (one block per stage, seeded weights, untrained) for 28x28x1 input into {@code dir}. */
    static Path saveTinyResNet(Path dir) throws IOException {
        return save(ResNetCifar.build(new ResNetCifar.Options(1, 28, 28, 1, 10, 0.1, 0, 5)), "tiny-resnet", "resnet8",
                dir);
    }

    /**
     * Saves a two-block ViT (patch 4, width 16, two heads; seeded weights, untrained) with the cosine
     * head on seeded random unit rows (the {@code cosine_random} ablation, the text-guided head's
     * structure) for 28x28x1 input into {@code dir}.
     */
    static Path saveTinyVit(Path dir) throws IOException {
        org.flipstorm.zoo.nets.NetSpec spec = new org.flipstorm.zoo.nets.NetSpec(1, 28, 28, 10,
                org.flipstorm.zoo.train.RandomRows.unitGaussian(10, 16, 3), new org.nd4j.linalg.learning.config.Adam(1e-3),
                0, 5);
        return save(org.flipstorm.zoo.nets.VisionTransformer.build(spec, 4, 16, 2, 2, 32), "tiny-vit",
                org.flipstorm.zoo.nets.VisionTransformer.VIT_TINY, dir);
    }

    /** Saves an untrained 28x28x1, 10-class network as {@code dir/ID.zip} with a card. */
    private static Path save(Model net, String id, String architecture, Path dir) throws IOException {
        ModelCard card = new ModelCard(id, architecture, "baseline", "fashion-mnist",
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), List.of(1, 28, 28), net.numParams(), null,
                Double.NaN, 0, null,
                ModelStore.describeLayers(net, Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 28, 28)),
                "test", "test");
        Path zip = dir.resolve(id + ".zip");
        ModelStore.save(net, card, zip);
        return zip;
    }

    /** Writes a campaign config; {@code extra} lines go inside the campaign block and win over the defaults here. */
    static Path config(Path dir, Path model, Path output, String... extra) throws IOException {
        String conf = "campaign {\n"
                + "  name = t\n"
                + "  seed = 7\n"
                + "  model = \"" + model + "\"\n"
                + "  images { dataset = fashion-mnist, path = \"" + SLICE + "\", split = test, count = 40 }\n"
                + "  layers = all\n"
                + "  trials-per-layer = 50\n"
                + "  output = \"" + output + "\"\n"
                + "  images-per-shard = 10\n"
                + "  max-batch = 32\n"
                + "  spark-master = \"local[2]\"\n"
                + String.join("\n", extra) + "\n}\n";
        Path file = dir.resolve("campaign-" + System.nanoTime() + ".conf");
        Files.writeString(file, conf);
        return file;
    }
}
