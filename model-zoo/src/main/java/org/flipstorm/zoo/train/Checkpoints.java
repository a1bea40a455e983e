package org.flipstorm.zoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.flipstorm.common.io.AtomicFiles;

/**
 * The per-epoch checkpoints of one training run, in a directory of their own: {@code epoch-NNN.zip}
 * (network with its updater state, so momentum and the schedule's iteration continue) and
 * {@code state.json} (the run's settings, epochs done, time spent and the history). Both are
 * written to a temporary file and renamed, so a run killed at any moment leaves the previous
 * checkpoint intact. The two newest checkpoints are kept.
 */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int KEEP = 2;

    private final Path dir;

    /**
     * Where a run stands after its last completed epoch.
     *
     * @param settings what defines the run (architecture, data, recipe); a resume must match
     * @param epochsDone completed epochs
     * @param trainSeconds training wall time summed over all processes that worked on the run
     * @param history one entry per completed epoch
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(Map<String, String> settings, int epochsDone, double trainSeconds, List<EpochLine> history) {
        /** Copies the collections. */
        public State {
            settings = new TreeMap<>(settings);
            history = List.copyOf(history);
        }
    }

    /**
     * One epoch's results.
     *
     * @param epoch epoch number from 1
     * @param loss mean training loss
     * @param testAccuracy accuracy on the evaluation images after the epoch
     * @param imagesPerSecond training throughput
     * @param seconds wall time of the epoch
     * @param learningRate rate at the end of the epoch
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EpochLine(int epoch, double loss, double testAccuracy, double imagesPerSecond, double seconds,
                            double learningRate) {}

    /** Checkpoints kept in {@code dir}. */
    public Checkpoints(Path dir) {
        this.dir = Objects.requireNonNull(dir);
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** The saved state, if a checkpoint exists. */
    public java.util.Optional<State> state() throws IOException {
        Path f = dir.resolve("state.json");
        if (!Files.isRegularFile(f)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(JSON.readValue(f.toFile(), State.class));
    }

    /**
     * Checks that {@code settings} are those the checkpointed run was started with.
     *
     * @throws IllegalArgumentException naming every setting that differs
     */
    public static void requireSameSettings(State saved, Map<String, String> settings) {
        List<String> diffs = new ArrayList<>();
        TreeMap<String, String> all = new TreeMap<>(saved.settings());
        settings.keySet().forEach(k -> all.putIfAbsent(k, null));
        for (String k : all.keySet()) {
            String was = saved.settings().get(k);
            String now = settings.get(k);
            if (!Objects.equals(was, now)) {
                diffs.add(k + ": checkpoint " + was + ", now " + now);
            }
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume: the checkpointed run had other settings ("
                    + String.join("; ", diffs) + "); rerun with the checkpoint's settings or another --checkpoint-dir");
        }
    }

    /** Writes the network after epoch {@code state.epochsDone()} and then the state. */
    public void save(Model net, State state) throws IOException {
        Files.createDirectories(dir);
        Path zip = dir.resolve(String.format("epoch-%03d.zip", state.epochsDone()));
        AtomicFiles.write(zip, tmp -> ModelSerializer.writeModel(net, tmp.toFile(), true));
        AtomicFiles.write(dir.resolve("state.json"), tmp -> JSON.writeValue(tmp.toFile(), state));
        for (int old = state.epochsDone() - KEEP; old >= 1; old--) {
            if (!Files.deleteIfExists(dir.resolve(String.format("epoch-%03d.zip", old)))) {
                break;
            }
        }
    }

    /** Loads the network of the saved state's last epoch, updater included. */
    public Model load(State state, boolean graph) throws IOException {
        Path zip = dir.resolve(String.format("epoch-%03d.zip", state.epochsDone()));
        if (!Files.isRegularFile(zip)) {
            throw new IOException("checkpoint " + zip + " named by " + dir.resolve("state.json") + " is missing");
        }
        return graph ? ModelSerializer.restoreComputationGraph(zip.toFile(), true)
                : ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), true);
    }
}
