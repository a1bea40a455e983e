package org.flipstorm.campaign;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints campaign progress on the driver at most once every {@code intervalMillis}: shards done,
 * trials done (estimated from the shards' sizes), trials per second, time left, failed tasks.
 */
final class ProgressListener extends SparkListener {
    private final PrintStream out;
    private final int totalShards;
    private final long totalTrials;
    private final long intervalMillis;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private volatile long lastPrint = System.nanoTime();

    ProgressListener(PrintStream out, int totalShards, long totalTrials, long intervalMillis) {
        this.out = out;
        this.totalShards = totalShards;
        this.totalTrials = totalTrials;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskInfo().successful()) {
            done.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
        long now = System.nanoTime();
        if ((now - lastPrint) / 1_000_000 >= intervalMillis) {
            lastPrint = now;
            out.println(line(now));
        }
    }

    private String line(long now) {
        int d = Math.min(done.get(), totalShards);
        double secs = (now - start) / 1e9;
        long trials = totalShards == 0 ? 0 : totalTrials * d / totalShards;
        double rate = secs > 0 ? trials / secs : 0;
        double eta = rate > 0 ? (totalTrials - trials) / rate : Double.NaN;
        return String.format(Locale.ROOT, "progress: %d/%d shards, ~%,d/%,d trials, %,.0f trials/s, ETA %.0f s%s",
                d, totalShards, trials, totalTrials, rate, eta,
                failed.get() > 0 ? ", " + failed.get() + " failed task(s) retried" : "");
    }
}
