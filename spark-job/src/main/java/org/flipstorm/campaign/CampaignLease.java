package org.flipstorm.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per campaign: {@code _lease.json} in the campaign directory, created with an
 * exclusive create (atomic on HDFS and on a local disk), naming its holder and refreshed by a
 * heartbeat. A second run finds a fresh lease and is refused with one line naming the holder; a
 * lease whose heartbeat is older than {@link #STALE_MILLIS}, or whose holder was a process of this
 * host that no longer exists (a killed driver rerun on the same machine), belongs to a run that
 * died and is taken over. Released (deleted) when the run ends, however it ends.
 */
final class CampaignLease implements AutoCloseable {
    static final String FILE = "_lease.json";
    /** A heartbeat this old means the holder is gone. */
    static final long STALE_MILLIS = Long.getLong("flipstorm.lease.stale-ms", 60_000);
    static final long HEARTBEAT_MILLIS = Math.max(1_000, STALE_MILLIS / 6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path file;
    private final String owner;
    private final String runId;
    private final ScheduledExecutorService heartbeat;

    private CampaignLease(FileSystem fs, Path file, String owner, String runId) {
        this.fs = fs;
        this.file = file;
        this.owner = owner;
        this.runId = runId;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flipstorm-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::beat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** This process as a lease holder: host, pid and {@code runId}. */
    static String me(String runId) {
        return host() + " pid " + ManagementFactory.getRuntimeMXBean().getPid() + " run " + runId;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /** True when the lease names a process of this host that is gone. */
    private static boolean holderGone(JsonNode l) {
        if (!host().equals(l.path("host").asText()) || !l.has("pid")) {
            return false;
        }
        return ProcessHandle.of(l.path("pid").asLong()).map(p -> !p.isAlive()).orElse(true);
    }

    /**
     * Refuses, with one line, a campaign directory whose lease another live run holds. Reads only.
     */
    static void checkFree(FileSystem fs, Path campaignDir) throws IOException {
        Path f = new Path(campaignDir, FILE);
        if (!fs.exists(f)) {
            return;
        }
        JsonNode l = read(fs, f);
        long age = System.currentTimeMillis() - (l == null ? 0 : l.path("heartbeat_ms").asLong(0));
        if (l != null && age < STALE_MILLIS && !holderGone(l)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "campaign %s is being written by %s"
                    + " (heartbeat %.0f s ago); one writer per campaign: wait for it to end, or rerun after %.0f s"
                    + " without a heartbeat if it died", campaignDir, l.path("owner").asText("?"), age / 1000.0,
                    STALE_MILLIS / 1000.0));
        }
    }

    /**
     * Takes the lease of {@code campaignDir}, taking over a stale one (said on {@code out}).
     *
     * @throws IllegalArgumentException if another live run holds it
     */
    static CampaignLease acquire(FileSystem fs, Path campaignDir, PrintStream out) throws IOException {
        Path f = new Path(campaignDir, FILE);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String owner = me(runId);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                createExclusively(fs, f, body(owner, runId));
                return new CampaignLease(fs, f, owner, runId);
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
                checkFree(fs, campaignDir);
                JsonNode stale = read(fs, f);
                out.println("taking over the stale lease of " + (stale == null ? "an unknown run"
                        : stale.path("owner").asText("?")) + " on " + campaignDir);
                fs.delete(f, false);
            } catch (IOException e) {
                if (fs.exists(f) && attempt == 0) {
                    // a local file system reports an existing file as a plain IOException
                    checkFree(fs, campaignDir);
                    out.println("taking over a stale lease on " + campaignDir);
                    fs.delete(f, false);
                } else {
                    throw e;
                }
            }
        }
        throw new IllegalArgumentException("campaign " + campaignDir + ": another run took the lease at the same"
                + " moment; one writer per campaign");
    }

    /** Creates {@code f} only if it does not exist, atomically (java.nio CREATE_NEW on a local disk). */
    private static void createExclusively(FileSystem fs, Path f, byte[] bytes) throws IOException {
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
            java.nio.file.Files.write(java.nio.file.Path.of(fs.makeQualified(f).toUri()), bytes,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            return;
        }
        try (OutputStream os = fs.create(f, false)) {
            os.write(bytes);
        }
    }

    private static byte[] body(String owner, String runId) throws IOException {
        return JSON.writeValueAsBytes(Map.of("owner", owner, "run_id", runId, "host", host(),
                "pid", ManagementFactory.getRuntimeMXBean().getPid(), "heartbeat_ms", System.currentTimeMillis()));
    }

    private static JsonNode read(FileSystem fs, Path f) {
        try (var in = fs.open(f)) {
            return JSON.readTree(in.readAllBytes());
        } catch (IOException e) {
            return null; // half-written or gone: treated as stale
        }
    }

    private void beat() {
        try {
            Path tmp = new Path(file.getParent(), "_lease." + UUID.randomUUID() + ".tmp");
            try (OutputStream os = fs.create(tmp, true)) {
                os.write(body(owner, runId));
            }
            org.apache.hadoop.fs.FileContext.getFileContext(fs.makeQualified(file).toUri(), fs.getConf())
                    .rename(tmp, file, org.apache.hadoop.fs.Options.Rename.OVERWRITE);
        } catch (IOException | RuntimeException e) {
            // a missed beat only ages the lease; the next one may succeed
        }
    }

    /** The holder's description. */
    String owner() {
        return owner;
    }

    /** The run id; its tasks stage under {@code _staging/<run id>/}. */
    String runId() {
        return runId;
    }

    @Override
    public void close() {
        // Stop the heartbeat first and wait: a beat that renamed after the delete would revive the lease.
        heartbeat.shutdown();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            JsonNode l = read(fs, file);
            if (l != null && owner.equals(l.path("owner").asText())) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            // the lease ages out
        }
    }
}
