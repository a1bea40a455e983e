package org.flipstorm.zoo.train;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Stochastic gradient descent with classical (heavy-ball) momentum, the update of PyTorch's
 * {@code torch.optim.SGD(momentum=m, nesterov=False, dampening=0)}: {@code v = m v + g},
 * {@code p = p - lr v}. DL4J ships only Nesterov momentum ({@code Nesterovs}); the study's
 * training code uses the classical form, so the study recipe uses this one.
 *
 * <p>The learning rate is taken at update time, so a schedule scales the whole step, as in PyTorch.
 */
public final class MomentumSgd implements IUpdater {
    private static final long serialVersionUID = 1L;

    private final double learningRate;
    private final ISchedule learningRateSchedule;
    private final double momentum;

    /**
     * @param learningRate constant rate (ignored when {@code learningRateSchedule} is set)
     * @param learningRateSchedule rate per iteration, or null
     * @param momentum momentum coefficient in [0, 1)
     */
    public MomentumSgd(@JsonProperty("learningRate") double learningRate,
                       @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
                       @JsonProperty("momentum") double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " out of range; expected 0 <= m < 1");
        }
        if (learningRateSchedule == null && !(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " must be > 0");
        }
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
        this.momentum = momentum;
    }

    /** Scheduled rate. */
    public MomentumSgd(ISchedule schedule, double momentum) {
        this(Double.NaN, Objects.requireNonNull(schedule, "schedule"), momentum);
    }

    /** Constant rate. */
    public MomentumSgd(double learningRate, double momentum) {
        this(learningRate, null, momentum);
    }

    /** The momentum coefficient. */
    public double getMomentum() {
        return momentum;
    }

    /** The schedule, or null for a constant rate. */
    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    /** The constant rate (NaN when scheduled). */
    public double getLearningRate() {
        return learningRate;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater<MomentumSgd> instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater<MomentumSgd> instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public MomentumSgd clone() {
        return new MomentumSgd(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone(),
                momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule == null ? learningRate : learningRateSchedule.valueAt(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        throw new UnsupportedOperationException("MomentumSgd is immutable; build a new one with the rate "
                + lr + " or schedule " + schedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MomentumSgd m && Double.compare(m.learningRate, learningRate) == 0
                && Double.compare(m.momentum, momentum) == 0
                && Objects.equals(m.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, momentum);
    }

    @Override
    public String toString() {
        return "MomentumSgd(lr=" + (learningRateSchedule == null ? learningRate : learningRateSchedule)
                + ", momentum=" + momentum + ")";
    }

    /** The velocity buffer and the update; DL4J subtracts the returned gradient from the parameters. */
    static final class Updater implements GradientUpdater<MomentumSgd> {
        static final String VELOCITY = "V";
        private final MomentumSgd config;
        private INDArray velocity;

        Updater(MomentumSgd config) {
            this.config = config;
        }

        @Override
        public MomentumSgd getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            INDArray v = state.get(VELOCITY);
            if (state.size() != 1 || v == null) {
                throw new IllegalStateException("momentum state must hold exactly the key " + VELOCITY
                        + "; got " + state.keySet());
            }
            velocity = v;
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, velocity);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean init) {
            if (!viewArray.isRowVectorOrScalar()) {
                throw new IllegalArgumentException("momentum state must be a row vector; got shape "
                        + java.util.Arrays.toString(viewArray.shape()));
            }
            if (init) {
                viewArray.assign(0);
            }
            velocity = viewArray.reshape(gradientOrder, gradientShape);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (velocity == null) {
                throw new IllegalStateException("momentum updater used before its state was set");
            }
            double lr = config.getLearningRate(iteration, epoch);
            // v = m v + g (PyTorch's buffer, dampening 0); the step is lr v.
            velocity.muli(config.momentum).addi(gradient);
            gradient.assign(velocity).muli(lr);
        }
    }
}
