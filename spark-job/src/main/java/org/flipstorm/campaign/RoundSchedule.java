package org.flipstorm.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flipstorm.common.stats.Intervals;

/**
 * The rounds of a campaign with adaptive stop.
 *
 * <p>Each group's trials are the prefix of its sample permutation (see {@link TrialPlanner}), so any
 * prefix is itself a uniform sample without replacement. Round {@code r} extends every still-running
 * group from {@code cumulative(r - 1)} to {@code cumulative(r) = min(n, ceil(first * growth^r))}
 * trials, {@code n} being the group's fixed-plan size; after the round, a group whose Wilson
 * interval of the SDC rate has a half-width of at most the margin stops. A group never runs more
 * than its fixed plan, so the adaptive campaign costs at most what the fixed one would.
 *
 * <p>What runs in round r depends only on the committed results of rounds before r, so a killed
 * campaign rerun takes the same decisions and runs only the missing shards.
 *
 * <p>Looking at the interval after every round is a sequential test: the interval's coverage is a
 * little below the nominal confidence (growth 1.5 keeps the number of looks small: about
 * 1 + log(n / first) / log(1.5) rounded up: 11 for 9,604 trials from 200).
 */
public final class RoundSchedule {
    private RoundSchedule() {}

    /**
     * Trials of a group in one round.
     *
     * @param group the group
     * @param from first trial (k) of the round, inclusive
     * @param to last trial of the round, exclusive
     */
    public record Slice(TrialGroup group, long from, long to) {}

    /**
     * Trials run and SDCs seen in one group.
     *
     * @param trials trials run
     * @param sdc trials whose outcome was {@code sdc}
     */
    public record Count(long trials, long sdc) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** The sum of two counts. */
        public Count plus(Count o) {
            return new Count(trials + o.trials, sdc + o.sdc);
        }
    }

    /** Trials of a group of fixed-plan size {@code n} after rounds 0..{@code round}. */
    public static long cumulative(Sampling s, long n, int round) {
        if (round < 0) {
            return 0;
        }
        double c = Math.ceil(s.firstRound() * Math.pow(s.growth(), round));
        return c >= n ? n : (long) c;
    }

    /** The number of rounds a group of fixed-plan size {@code n} needs at most. */
    public static int rounds(Sampling s, long n) {
        int r = 0;
        while (cumulative(s, n, r) < n) {
            r++;
        }
        return r + 1;
    }

    /** The number of rounds the campaign's largest group needs at most. */
    public static int rounds(Sampling s, List<TrialGroup> groups) {
        return groups.stream().mapToInt(g -> rounds(s, g.trials())).max().orElse(0);
    }

    /**
     * Half-width of the Wilson score interval of {@code sdc} successes in {@code trials} at
     * {@code confidence} (Wilson 1927); 0.5 with no trials.
     */
    public static double wilsonHalfWidth(long sdc, long trials, double confidence) {
        return Intervals.wilsonHalfWidth(sdc, trials, confidence);
    }

    /** True when a group with count {@code c} needs no more trials: its plan is done or its interval is narrow. */
    public static boolean finished(Sampling s, TrialGroup g, Count c) {
        return c.trials() >= g.trials() || wilsonHalfWidth(c.sdc(), c.trials(), s.confidence()) <= s.margin();
    }

    /**
     * The slices of round {@code round}: for every group not yet finished after the counts of the
     * earlier rounds ({@code counts}, by group id; absent = no trials yet), its next trials.
     */
    public static List<Slice> slices(Sampling s, List<TrialGroup> groups, Map<Integer, Count> counts,
                                     int round) {
        List<Slice> out = new ArrayList<>();
        for (TrialGroup g : groups) {
            Count c = counts.getOrDefault(g.groupId(), new Count(0, 0));
            long from = cumulative(s, g.trials(), round - 1);
            boolean stoppedEarlier = c.trials() < from && finished(s, g, c);
            if (c.trials() > from || c.trials() < from && !stoppedEarlier) {
                throw new IllegalStateException("group " + g.groupId() + " has " + c.trials() + " committed trials"
                        + " before round " + round + " but the schedule gives " + from
                        + "; the campaign's commits do not match its plan");
            }
            if (stoppedEarlier || from >= g.trials() || round > 0 && finished(s, g, c)) {
                continue;
            }
            out.add(new Slice(g, from, cumulative(s, g.trials(), round)));
        }
        return out;
    }
}
