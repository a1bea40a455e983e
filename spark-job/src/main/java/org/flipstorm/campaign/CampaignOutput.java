package org.flipstorm.campaign;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks a campaign's output before Spark starts: reachable, writable, and either empty, the same
 * campaign (to resume), or one the spec may overwrite.
 */
public final class CampaignOutput {
    private CampaignOutput() {}

    /**
     * Decides what happens to an existing campaign directory, before Spark starts: nothing there,
     * or the same campaign (same spec identity and weights, so the same campaign id) to resume; or
     * {@code overwrite} to discard it. Anything else is refused with the differences named, and
     * nothing is written.
     */
    public static void check(PreparedCampaign prepared) throws IOException {
        CampaignSpec spec = prepared.spec();
        Path dir = CampaignLayout.campaignDir(spec);
        FileSystem fs;
        boolean exists;
        try {
            fs = dir.getFileSystem(new Configuration());
            exists = fs.exists(dir);
            if (!exists && !fs.mkdirs(dir.getParent())) {
                throw new IOException("could not create " + dir.getParent());
            }
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            throw new IllegalArgumentException("cannot reach the campaign output " + spec.output() + ": " + why
                    + "; expected a directory the driver and every executor can write: a local or shared path,"
                    + " hdfs://namenode:port/dir or s3a://bucket/dir", e);
        }
        boolean isDir = exists && fs.getFileStatus(dir).isDirectory();
        checkExisting(prepared, fs, dir, exists, isDir);
        // Last, so that a refused campaign leaves its directory untouched.
        probeWrite(fs, isDir ? dir : dir.getParent(), spec.output());
    }

    private static void checkExisting(PreparedCampaign prepared, FileSystem fs, Path dir, boolean exists,
                                      boolean isDir) throws IOException {
        CampaignSpec spec = prepared.spec();
        Path manifest = new Path(dir, CampaignLayout.MANIFEST);
        if (!exists) {
            return;
        }
        if (isDir) {
            CampaignLease.checkFree(fs, dir);
        }
        if (spec.overwrite()) {
            CampaignFiles.checkOverwritable(fs, dir);
            return;
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new IllegalArgumentException("campaign output " + dir + " is a file, not a campaign directory;"
                    + " choose another campaign name or output");
        }
        if (fs.exists(manifest)) {
            String oldId = Manifest.campaignId(fs, manifest);
            if (oldId.equals(prepared.context().campaignId())) {
                int written = Manifest.schemaVersion(fs, manifest);
                if (written != org.flipstorm.common.schema.TrialColumn.SCHEMA_VERSION) {
                    throw new IllegalArgumentException("campaign " + dir + " was started with trial schema " + written
                            + " and this FlipStorm writes schema " + org.flipstorm.common.schema.TrialColumn.SCHEMA_VERSION
                            + " (since 3, one file per shard instead of one per shard and layer); one campaign"
                            + " does not mix them: finish it with the FlipStorm that started it, or set"
                            + " campaign.overwrite = true to run it again");
                }
                return;
            }
            String diffs;
            try {
                diffs = Manifest.read(fs, manifest).differences(prepared.spec(), prepared.card().weightsSha256());
            } catch (IOException | RuntimeException olderManifest) {
                diffs = "";
            }
            throw new IllegalArgumentException("campaign " + dir + " was started with another spec or other weights ("
                    + (diffs.isEmpty() ? "campaign id " + oldId + " vs " + prepared.context().campaignId() : diffs)
                    + "); a campaign cannot change under its results: choose another campaign name, or set"
                    + " campaign.overwrite = true to discard it");
        }
        if (fs.exists(new Path(dir, CampaignLayout.TRIALS_DIR))) {
            throw new IllegalArgumentException("campaign output " + new Path(dir, CampaignLayout.TRIALS_DIR) + " exists without a"
                    + " manifest, so it cannot be resumed; choose another campaign name or output, or set"
                    + " campaign.overwrite = true");
        }
    }

    /** Creates and deletes a small file in {@code dir}: an unwritable output fails here, before Spark starts. */
    private static void probeWrite(FileSystem fs, Path dir, String output) {
        Path probe = new Path(dir, ".flipstorm-probe-" + UUID.randomUUID());
        try {
            try (OutputStream os = fs.create(probe, false)) {
                os.write(1);
            }
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot write the campaign output " + output + " (" + dir + "): "
                    + Failures.firstLine(e) + "; expected a directory the driver and every executor can write", e);
        }
    }
}
