package org.flipstorm.inject;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;
import org.flipstorm.zoo.runtime.NativeMemory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arrays one suffix run makes for itself, closed as soon as nothing reads them any more.
 *
 * <p>Without this their native memory goes back only when the Java collector finds the arrays,
 * and a campaign's heap is so small (about 110 MB live) that the collector runs long after
 * gigabytes of intermediate maps have piled up; glibc then keeps those pages, and a 2 GiB
 * executor spends its time in javacpp's collect-and-sleep loop (docs/PERFORMANCE.md, "Campaign
 * memory"). Closing them lets the next vertex and the next suffix batch reuse the same memory.
 *
 * <p>Only arrays registered with {@link #add} are ever closed, and only those whose memory does
 * not overlap an array the caller still reads: a vertex may return its input or a view of it,
 * and an activation may run in place, so the check is on native address ranges rather than on
 * object identity. Views and arrays ND4J marks as not closeable (attached to a workspace,
 * constant, already closed) are left to the collector. Not thread-safe: one per engine thread.
 */
final class Scratch {
    /**
     * Tests set this: every array is filled with NaN before it is closed, so that a read after
     * the close (memory the allocator has not yet handed out again would still hold the old
     * values) turns the outputs into NaN instead of passing by luck.
     */
    static volatile boolean poisonOnClose;

    private final Set<INDArray> arrays = Collections.newSetFromMap(new IdentityHashMap<>());
    private long closedBytes;

    /** Registers an array this run made and nothing outside the run holds; returns it. */
    INDArray add(INDArray a) {
        if (a != null) {
            arrays.add(a);
        }
        return a;
    }

    /** Bytes of native memory closed so far. */
    long closedBytes() {
        return closedBytes;
    }

    /** Number of arrays registered and not yet released. */
    int size() {
        return arrays.size();
    }

    /**
     * Closes the registered arrays among {@code dead} whose memory overlaps none of {@code live}
     * and forgets them; one a live array still shares stays registered, for the end of the run.
     * Empties {@code dead}. Returns how many were closed.
     */
    int releaseNow(Collection<INDArray> dead, Collection<INDArray> live) {
        long[][] held = ranges(live);
        int closed = 0;
        for (INDArray a : dead) {
            if (a == null || !arrays.contains(a) || heldBy(a, held)) {
                continue;
            }
            arrays.remove(a);
            if (close(a)) {
                closed++;
            }
        }
        dead.clear();
        return closed;
    }

    /**
     * Closes every registered array whose memory overlaps none of {@code keep} (null entries are
     * ignored), and forgets all of them: the end of a run. Returns how many were closed.
     */
    int release(INDArray... keep) {
        long[][] held = ranges(java.util.Arrays.asList(keep));
        int closed = 0;
        for (INDArray a : arrays) {
            if (closeUnlessHeld(a, held)) {
                closed++;
            }
        }
        arrays.clear();
        return closed;
    }

    /**
     * Runs one suffix run and then releases what it registered, keeping its result and
     * {@code callerOwned} (the batch the caller passed in; null when there is none). On an
     * exception everything registered is released too, so a failed batch leaks nothing.
     */
    INDArray closingAfter(INDArray callerOwned, Supplier<INDArray> run) {
        INDArray out = null;
        try {
            out = run.get();
            return out;
        } finally {
            release(out, callerOwned);
        }
    }

    private boolean closeUnlessHeld(INDArray a, long[][] held) {
        return !heldBy(a, held) && close(a);
    }

    /** True when {@code a}'s memory overlaps one of the ranges (a closed or empty array: never). */
    private static boolean heldBy(INDArray a, long[][] held) {
        if (a.wasClosed() || a.isEmpty()) {
            return false;
        }
        long[] r = NativeMemory.range(a.data());
        for (long[] k : held) {
            if (r[0] < k[1] && k[0] < r[1]) {
                return true;
            }
        }
        return false;
    }

    private boolean close(INDArray a) {
        if (a.wasClosed() || a.isEmpty() || !a.closeable()) {
            return false;
        }
        if (poisonOnClose && a.dataType().isFPType()) {
            a.assign(Double.NaN);
        }
        closedBytes += a.data().length() * a.data().getElementSize();
        a.close();
        return true;
    }

    private static long[][] ranges(Collection<INDArray> arrays) {
        return arrays.stream()
                .filter(a -> a != null && !a.wasClosed() && !a.isEmpty())
                .map(a -> NativeMemory.range(a.data()))
                .toArray(long[][]::new);
    }
}
