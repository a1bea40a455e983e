package org.flipstorm.inject;

/**
 * How a fault turns a neuron's clean FP32 value into its faulty value: the value is encoded in
 * {@code format}, the fault's bits are changed by {@code op}, and the result is decoded.
 *
 * @param format number format of the value
 * @param op what happens to the hit bits
 */
public record FaultModel(NumberFormat format, FaultOp op) {
    /** The study's fault model: a single-bit flip of an FP32 value. */
    public static final FaultModel FP32_FLIP = new FaultModel(NumberFormat.FP32, FaultOp.FLIP);

    /**
     * The corruption for one layer.
     *
     * @param int8Scale the layer's integer scale ({@link NumberFormat#scaleFor} of its profiled
     *     max |activation|); ignored by the floating-point formats
     */
    public Corruption corruption(float int8Scale) {
        return (value, fault) -> format.decode(op.apply(format.encode(value, int8Scale), fault.mask()), int8Scale);
    }

    /** The INT8 scale that maps a profiled max |activation| onto -127..127. */
    public static float int8Scale(float maxAbs) {
        return NumberFormat.INT8.scaleFor(maxAbs);
    }
}
