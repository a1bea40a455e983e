package org.flipstorm.campaign;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a campaign directory holds and what {@code overwrite} may delete. A directory is a
 * FlipStorm campaign when it has a manifest or a commit-marker directory; overwriting one deletes
 * only the entries FlipStorm writes there (its Parquet, markers, staging, histograms, manifest and
 * the analysis outputs), never a file of someone else's beside them.
 */
final class CampaignFiles {
    /** Entries the job and the analysis write directly under a campaign directory. */
    static final Set<String> OWN_DIRS = Set.of(CampaignLayout.TRIALS_DIR, ShardStore.COMMITS_DIR,
            ShardStore.STAGING_DIR, CampaignLayout.ACTIVATIONS_DIR, "charts");

    private CampaignFiles() {}

    /** True for a directory holding a manifest or commit markers. */
    static boolean isCampaign(FileSystem fs, Path dir) throws IOException {
        return fs.getFileStatus(dir).isDirectory() && (fs.exists(new Path(dir, CampaignLayout.MANIFEST))
                || fs.exists(new Path(dir, ShardStore.COMMITS_DIR)));
    }

    /** True for a file FlipStorm writes beside the trials: manifest (and its temp), report, tables. */
    static boolean isOwnFile(String name) {
        return name.equals(CampaignLayout.MANIFEST) || name.equals("_" + CampaignLayout.MANIFEST + ".tmp")
                || name.equals(CampaignLease.FILE)
                || name.equals("report.html") || name.endsWith(".csv") || name.equals("improvement.txt");
    }

    /**
     * Refuses, with one line, an overwrite of anything that is not a campaign: a plain file, or a
     * directory without manifest and markers. Touches nothing.
     */
    static void checkOverwritable(FileSystem fs, Path dir) throws IOException {
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new IllegalArgumentException("campaign.overwrite = true, but " + dir + " is a file, not a campaign;"
                    + " nothing was deleted: move it away or choose another campaign name or output");
        }
        if (!isCampaign(fs, dir)) {
            throw new IllegalArgumentException("campaign.overwrite = true, but " + dir + " is not a FlipStorm campaign"
                    + " (it has no " + CampaignLayout.MANIFEST + " and no " + ShardStore.COMMITS_DIR + "/); nothing was"
                    + " deleted: choose another campaign name or output");
        }
    }

    /** Deletes the campaign's own entries under {@code dir}; returns what was kept. */
    static List<String> discard(FileSystem fs, Path dir) throws IOException {
        checkOverwritable(fs, dir);
        List<String> kept = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            boolean own = s.isDirectory() ? OWN_DIRS.contains(name) : isOwnFile(name);
            if (own) {
                fs.delete(s.getPath(), true);
            } else {
                kept.add(name);
            }
        }
        return kept;
    }
}
