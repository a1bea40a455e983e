package org.flipstorm.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which Parquet files of a campaign the analysis may read: the ones its commit markers list, and
 * only when the campaign is complete. A campaign that is still running, died, or was killed
 * mid-commit has files that no marker covers and shards that never ran; reading
 * {@code trials/**} would present it as complete. Directories without a manifest (Parquet
 * written by something else) are read as they are.
 */
public final class CommittedData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MARKERS = "_commits";

    private CommittedData() {}

    /**
     * One campaign's committed state.
     *
     * @param dir campaign directory
     * @param status the manifest's status ({@code complete}, {@code running}, ...)
     * @param committedRows rows the markers vouch for
     * @param plannedRows rows the manifest planned (the most an adaptive campaign could run)
     * @param files the committed Parquet files, absolute
     */
    public record Campaign(Path dir, String status, long committedRows, long plannedRows, List<Path> files) {
        /** True when the manifest says complete. */
        public boolean complete() {
            return "complete".equals(status);
        }

        /** Committed share of the plan, in [0, 1]. */
        public double fraction() {
            return plannedRows <= 0 ? 0 : Math.min(1, committedRows / (double) plannedRows);
        }
    }

    /**
     * What to read under {@code dir}.
     *
     * @param campaigns the campaigns found (empty for plain Parquet directories)
     * @param files the Parquet files to read (null: read every file under the roots, no campaign found)
     */
    public record Selection(List<Campaign> campaigns, List<Path> files) {
        /** True when every campaign is complete. */
        public boolean complete() {
            return campaigns.stream().allMatch(Campaign::complete);
        }

        /** A label for tables and reports of a partial selection, or "" when complete. */
        public String partialLabel() {
            if (complete()) {
                return "";
            }
            long done = campaigns.stream().mapToLong(Campaign::committedRows).sum();
            long planned = campaigns.stream().mapToLong(Campaign::plannedRows).sum();
            return String.format(Locale.ROOT, "PARTIAL: %,d of %,d planned trials committed (%.1f%%)", done, planned,
                    planned == 0 ? 0.0 : 100.0 * done / planned);
        }
    }

    /**
     * The committed files under {@code dir} (a campaign, a directory of campaigns or a trials
     * directory). Unless {@code allowPartial}, a campaign that is not complete is refused with one
     * line giving its status and committed fraction.
     */
    public static Selection select(Path dir, boolean allowPartial) {
        List<Campaign> campaigns = new ArrayList<>();
        for (Path root : QueryEngine.roots(dir)) {
            Path campaign = root.getFileName() != null && root.getFileName().toString().equals("trials")
                    ? root.getParent() : root;
            if (campaign != null && Files.isRegularFile(campaign.resolve("manifest.json"))) {
                campaigns.add(read(campaign));
            }
        }
        if (campaigns.isEmpty()) {
            return new Selection(List.of(), null);
        }
        if (!allowPartial) {
            for (Campaign c : campaigns) {
                if (!c.complete()) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT, "campaign %s is %s, not complete:"
                            + " %,d of %,d planned trials committed (%.1f%%); rerun it to finish, or pass"
                            + " --allow-partial to analyse what is committed (tables are then labelled PARTIAL)",
                            c.dir(), c.status(), c.committedRows(), c.plannedRows(), 100 * c.fraction()));
                }
            }
        }
        List<Path> files = campaigns.stream().flatMap(c -> c.files().stream()).toList();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no committed trial file under " + dir + "; nothing to analyse");
        }
        return new Selection(List.copyOf(campaigns), files);
    }

    private static Campaign read(Path campaign) {
        try {
            JsonNode m = JSON.readTree(campaign.resolve("manifest.json").toFile());
            String status = m.path("status").asText("unknown");
            long planned = m.path("planned_trials").asLong(0);
            long rows = 0;
            List<Path> files = new ArrayList<>();
            Path markers = campaign.resolve(MARKERS);
            if (Files.isDirectory(markers)) {
                List<Path> list;
                try (Stream<Path> s = Files.list(markers)) {
                    list = s.filter(p -> p.getFileName().toString().matches("shard-\\d+\\.json")).sorted().toList();
                }
                for (Path marker : list) {
                    JsonNode c;
                    try {
                        c = JSON.readTree(marker.toFile());
                    } catch (IOException e) {
                        continue; // an unreadable marker commits nothing; the campaign's rerun repairs it
                    }
                    if (c == null || !c.has("rows")) {
                        continue;
                    }
                    rows += c.path("rows").asLong();
                    if (c.path("files").isArray() && !c.path("files").isEmpty()) {
                        c.path("files").forEach(f -> files.add(campaign.resolve(f.path("path").asText())));
                    } else {
                        files.addAll(legacyFiles(campaign, marker.getFileName().toString()));
                    }
                }
            }
            return new Campaign(campaign, status, rows, planned, List.copyOf(files));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + campaign, e);
        }
    }

    /** Markers written before they listed files: the shard's files are found by name. */
    private static List<Path> legacyFiles(Path campaign, String markerName) throws IOException {
        String file = markerName.replace(".json", ".parquet");
        Path trials = campaign.resolve("trials");
        if (!Files.isDirectory(trials)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(trials)) {
            return s.filter(p -> p.getFileName().toString().equals(file)).sorted().toList();
        }
    }
}
