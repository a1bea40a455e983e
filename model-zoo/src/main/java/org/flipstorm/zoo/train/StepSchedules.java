package org.flipstorm.zoo.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Step learning-rate schedules (PyTorch's {@code MultiStepLR}): the rate is multiplied by
 * {@code gamma} at each milestone epoch. Built on DL4J's {@link MapSchedule} by iteration, since
 * DL4J's epoch counter does not advance when a network is fitted one minibatch at a time.
 */
public final class StepSchedules {
    private StepSchedules() {}

    /**
     * Milestones given as fractions of the run ({@code "0.5,0.75"}) turned into epochs, rounded.
     *
     * @throws IllegalArgumentException unless each fraction is in (0, 1), increasing, and the epochs
     *     they give are distinct and inside the run
     */
    public static int[] milestoneEpochs(String fractions, int epochs) {
        String[] parts = fractions.split(",");
        int[] out = new int[parts.length];
        double prev = 0;
        for (int i = 0; i < parts.length; i++) {
            double f;
            try {
                f = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--milestones '" + fractions + "': '" + parts[i]
                        + "' is not a number; expected increasing fractions of the run in (0, 1), e.g. 0.5,0.75");
            }
            if (!(f > prev && f < 1)) {
                throw new IllegalArgumentException("--milestones '" + fractions + "': expected increasing fractions"
                        + " of the run in (0, 1), e.g. 0.5,0.75");
            }
            out[i] = (int) Math.round(f * epochs);
            if (out[i] < 1 || (i > 0 && out[i] <= out[i - 1]) || out[i] >= epochs) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "--milestones '%s' over %d epochs give"
                        + " epochs %s; each must be distinct and between 1 and %d", fractions, epochs,
                        Arrays.toString(Arrays.copyOf(out, i + 1)), epochs - 1));
            }
            prev = f;
        }
        return out;
    }

    /** Rate {@code lr}, times {@code gamma} after each epoch in {@code milestoneEpochs}. */
    public static MapSchedule atEpochs(double lr, double gamma, int[] milestoneEpochs, int iterationsPerEpoch) {
        if (!(lr > 0) || !(gamma > 0)) {
            throw new IllegalArgumentException("step schedule needs lr > 0 and gamma > 0, got lr " + lr + ", gamma "
                    + gamma);
        }
        Map<Integer, Double> values = new TreeMap<>();
        values.put(0, lr);
        double rate = lr;
        for (int e : milestoneEpochs) {
            rate *= gamma;
            values.put(e * iterationsPerEpoch, rate);
        }
        return new MapSchedule(ScheduleType.ITERATION, values);
    }
}
