package org.flipstorm.inject;

/**
 * What one faulty inference produced, compared with the clean inference in the same batch.
 *
 * @param fault the fault injected
 * @param valueBefore the neuron's clean value
 * @param valueAfter the neuron's value with the bit flipped
 * @param goldenTop1 clean predicted class
 * @param faultyTop1 faulty predicted class (-1 when the output is not finite)
 * @param goldenConfidence clean softmax maximum
 * @param faultyConfidence faulty softmax maximum (NaN when not finite)
 * @param goldenTop2diff clean p1 - p2
 * @param outcome masked, sdc or non_finite
 * @param deltaLoss |CE(golden) - CE(faulty)| with respect to the label (NaN when not finite)
 */
public record TrialResult(Fault fault, float valueBefore, float valueAfter, int goldenTop1, int faultyTop1,
                          float goldenConfidence, float faultyConfidence, float goldenTop2diff, Outcome outcome,
                          float deltaLoss) {}
