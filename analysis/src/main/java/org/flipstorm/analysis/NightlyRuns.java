package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Nightly campaigns ({@code NAME-YYYY-MM-DD}) on any Hadoop file system: the night before a given
 * one, and a local copy of a campaign that is not local (the queries read local files).
 */
final class NightlyRuns {
    private static final Pattern NIGHT = Pattern.compile("(.+)-(\\d{4}-\\d{2}-\\d{2})");

    private NightlyRuns() {}

    /**
     * The latest campaign beside {@code campaign} named like it with an earlier date, or empty.
     *
     * @throws IllegalArgumentException if {@code campaign}'s name does not end in a date
     */
    static Optional<String> previous(String campaign) throws IOException {
        org.apache.hadoop.fs.Path night = new org.apache.hadoop.fs.Path(campaign);
        Matcher m = NIGHT.matcher(night.getName());
        if (!m.matches()) {
            throw new IllegalArgumentException("--previous-of " + campaign + " is not a nightly campaign; expected a"
                    + " directory named NAME-YYYY-MM-DD, e.g. campaigns/nightly-2026-12-01");
        }
        FileSystem fs = night.getFileSystem(new Configuration());
        String bestDate = null;
        org.apache.hadoop.fs.Path best = null;
        for (FileStatus s : fs.listStatus(night.getParent())) {
            Matcher o = NIGHT.matcher(s.getPath().getName());
            if (s.isDirectory() && o.matches() && o.group(1).equals(m.group(1)) && o.group(2).compareTo(m.group(2)) < 0
                    && (bestDate == null || o.group(2).compareTo(bestDate) > 0)) {
                bestDate = o.group(2);
                best = s.getPath();
            }
        }
        return Optional.ofNullable(best).map(p -> p.toUri().toString());
    }

    /** True when {@code campaign} is on the local file system (a plain path or a file: URI). */
    static boolean isLocal(String campaign) throws IOException {
        return "file".equals(new org.apache.hadoop.fs.Path(campaign).getFileSystem(new Configuration()).getScheme());
    }

    /** A local directory with {@code campaign}: itself when local, else a copy made under {@code tmp}. */
    static Path local(String campaign, Path tmp) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(campaign);
        FileSystem fs = p.getFileSystem(new Configuration());
        if ("file".equals(fs.getScheme())) {
            return Path.of(fs.makeQualified(p).toUri());
        }
        Path copy = tmp.resolve(p.getName());
        fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(copy.toUri()), true);
        return copy;
    }
}
