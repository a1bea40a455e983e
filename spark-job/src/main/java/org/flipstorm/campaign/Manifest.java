package org.flipstorm.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.flipstorm.common.schema.TrialColumn;
import org.flipstorm.zoo.runtime.Dl4jRuntime;
import org.flipstorm.zoo.runtime.Versions;
import org.flipstorm.zoo.store.ModelCard;

/**
 * A campaign's {@code manifest.json}, typed: what was asked (spec, model card), what was planned
 * (layers, groups, trials), how far it got (status, committed shards; totals once complete) and
 * what ran it (versions, the convolution path). The analysis reads its status and totals.
 *
 * @param campaignId campaign name and run id
 * @param status {@link #RUNNING} or {@link #COMPLETE}
 * @param schemaVersion the trial schema of the rows
 * @param spec the campaign spec
 * @param modelCard the model's card (weights hash included)
 * @param targetLayers the layers trials hit
 * @param plannedTrials trials of the fixed plan (the most an adaptive campaign runs)
 * @param eligibleImages images trials may use
 * @param groups the plan's groups
 * @param commits the directory of the commit markers
 * @param committedShards shards committed when the manifest was written
 * @param shards shards of the complete campaign (null while running)
 * @param trials trial rows of the complete campaign (null while running)
 * @param wallSeconds wall time of the run that completed it (null while running)
 * @param adaptive the adaptive stop's record (null without adaptive stop or while running)
 * @param flipstormVersion FlipStorm's version
 * @param dl4jVersion DL4J's version
 * @param nd4jClassifier the ND4J native build
 * @param sparkVersion Spark's version
 * @param javaVersion the driver JVM's version
 * @param convolutionPath which path the driver's DL4J convolutions took (oneDNN helper or fallback)
 * @param writtenAt when this manifest was written (UTC, ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(@JsonProperty("campaign_id") String campaignId, String status,
                       @JsonProperty("schema_version") int schemaVersion, CampaignSpec spec,
                       @JsonProperty("model_card") ModelCard modelCard,
                       @JsonProperty("target_layers") List<TargetLayer> targetLayers,
                       @JsonProperty("planned_trials") long plannedTrials,
                       @JsonProperty("eligible_images") int eligibleImages, List<TrialGroup> groups, String commits,
                       @JsonProperty("committed_shards") int committedShards, Integer shards, Long trials,
                       @JsonProperty("wall_seconds") Double wallSeconds, Adaptive adaptive,
                       @JsonProperty("flipstorm_version") String flipstormVersion,
                       @JsonProperty("dl4j_version") String dl4jVersion,
                       @JsonProperty("nd4j_classifier") String nd4jClassifier,
                       @JsonProperty("spark_version") String sparkVersion,
                       @JsonProperty("java_version") String javaVersion,
                       @JsonProperty("convolution_path") String convolutionPath,
                       @JsonProperty("written_at") String writtenAt) {
    /** Status of a campaign whose shards are still being committed (or whose run was killed). */
    public static final String RUNNING = "running";
    /** Status of a campaign with every trial committed and counted. */
    public static final String COMPLETE = "complete";

    private static final String SPARK_VERSION = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The record of an adaptive run.
     *
     * @param roundsRun rounds run
     * @param fixedPlanTrials trials of the fixed plan
     * @param trials trials run
     * @param trialsSaved trials the adaptive stop saved
     * @param groups per group, where it stopped
     */
    public record Adaptive(@JsonProperty("rounds_run") int roundsRun,
                           @JsonProperty("fixed_plan_trials") long fixedPlanTrials, long trials,
                           @JsonProperty("trials_saved") long trialsSaved, List<GroupStop> groups) {}

    /**
     * Where one group of an adaptive run stopped.
     *
     * @param groupId the group
     * @param layerName its layer
     * @param bit its bit, or -1
     * @param fixedPlanTrials its trials in the fixed plan
     * @param trials trials run
     * @param sdc SDCs among them
     * @param wilsonHalfWidth the final half-width of its SDC rate's interval
     * @param stoppedBy {@code margin} or {@code plan}
     */
    public record GroupStop(@JsonProperty("group_id") int groupId, @JsonProperty("layer_name") String layerName,
                            int bit, @JsonProperty("fixed_plan_trials") long fixedPlanTrials, long trials, long sdc,
                            @JsonProperty("wilson_half_width") double wilsonHalfWidth,
                            @JsonProperty("stopped_by") String stoppedBy) {}

    /** The manifest of {@code p} while it runs, with {@code committedShards} committed so far. */
    static Manifest running(PreparedCampaign p, int committedShards) {
        return new Manifest(p.context().campaignId(), RUNNING, TrialColumn.SCHEMA_VERSION, p.spec(), p.card(),
                p.layers(), p.plannedTrials(), p.eligibleImages().length, p.groups(), ShardStore.COMMITS_DIR,
                committedShards, null, null, null, null, Versions.flipstorm(), Versions.dl4j(), Versions.nd4jClassifier(),
                SPARK_VERSION, System.getProperty("java.version"), Dl4jRuntime.convolutionPath().id(),
                java.time.Instant.now().toString());
    }

    /** The manifest of {@code p} once every trial is committed. */
    static Manifest complete(PreparedCampaign p, int shards, long trials, double wallSeconds, Adaptive adaptive) {
        return new Manifest(p.context().campaignId(), COMPLETE, TrialColumn.SCHEMA_VERSION, p.spec(), p.card(),
                p.layers(), p.plannedTrials(), p.eligibleImages().length, p.groups(), ShardStore.COMMITS_DIR,
                shards, shards, trials, wallSeconds, adaptive, Versions.flipstorm(), Versions.dl4j(),
                Versions.nd4jClassifier(), SPARK_VERSION, System.getProperty("java.version"),
                Dl4jRuntime.convolutionPath().id(), java.time.Instant.now().toString());
    }

    /**
     * Writes the manifest to {@code file} in one rename (never delete, then rename: a kill between
     * the two would leave committed shards without a manifest); a full disk leaves no half-written
     * file behind.
     */
    void write(FileSystem fs, Path file) throws IOException {
        byte[] json = JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
        Path tmp = new Path(file.getParent(), "_" + file.getName() + ".tmp");
        try (OutputStream os = fs.create(tmp, true)) {
            os.write(json);
        } catch (IOException e) {
            fs.delete(tmp, false);
            throw e;
        }
        // Qualified: an unqualified path would be resolved against fs.defaultFS of fs.getConf(), which
        // belongs to whoever first created the cached FileSystem (an HDFS default moved local manifests there).
        FileContext.getFileContext(fs.makeQualified(file).toUri(), fs.getConf()).rename(tmp, file,
                Options.Rename.OVERWRITE);
    }

    /** Reads a manifest; fields it does not know (a newer writer's) are ignored. */
    static Manifest read(FileSystem fs, Path file) throws IOException {
        try (java.io.InputStream in = fs.open(file)) {
            return JSON.readValue(in, Manifest.class);
        }
    }

    /**
     * Only the campaign id of a manifest, read untyped: what decides a resume, readable from a
     * manifest of any FlipStorm version.
     */
    static String campaignId(FileSystem fs, Path file) throws IOException {
        try (java.io.InputStream in = fs.open(file)) {
            return JSON.readTree(in).path("campaign_id").asText();
        }
    }

    /** Only the trial schema version of a manifest, read untyped (0 when it names none). */
    static int schemaVersion(FileSystem fs, Path file) throws IOException {
        try (java.io.InputStream in = fs.open(file)) {
            return JSON.readTree(in).path("schema_version").asInt(0);
        }
    }

    /** The spec components (and weights) in which {@code now} differs from this manifest's campaign. */
    String differences(CampaignSpec now, String weightsSha256) {
        List<String> diffs = new ArrayList<>();
        for (RecordComponent c : CampaignSpec.class.getRecordComponents()) {
            if (CampaignSpec.NOT_IN_RUN_ID.contains(c.getName())) {
                continue;
            }
            Object was = value(c, spec);
            Object is = value(c, now);
            if (!Objects.equals(was, is)) {
                diffs.add(c.getName() + ": was " + was + ", now " + is);
            }
        }
        if (!modelCard.weightsSha256().equals(weightsSha256)) {
            diffs.add("model weights: was " + modelCard.weightsSha256() + ", now " + weightsSha256);
        }
        return String.join("; ", diffs);
    }

    private static Object value(RecordComponent c, CampaignSpec s) {
        try {
            return c.getAccessor().invoke(s);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
