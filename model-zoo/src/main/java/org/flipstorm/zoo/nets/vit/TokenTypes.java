package org.flipstorm.zoo.nets.vit;

import org.deeplearning4j.nn.conf.inputs.InputType;

/** Input types the token layers accept: tokens {@code [batch, features, tokens]} or plain features. */
final class TokenTypes {
    private TokenTypes() {}

    /** The feature count of {@code type}, or a clear error naming {@code layer} for anything else. */
    static long features(org.deeplearning4j.nn.conf.layers.Layer layer, InputType type) {
        if (type instanceof InputType.InputTypeRecurrent r) {
            if (r.getFormat() != org.deeplearning4j.nn.conf.RNNFormat.NCW) {
                throw new IllegalArgumentException("layer '" + layer.getLayerName() + "' expects tokens as"
                        + " [batch, features, tokens] (NCW); got " + type);
            }
            return r.getSize();
        }
        if (type instanceof InputType.InputTypeFeedForward f) {
            return f.getSize();
        }
        throw new IllegalArgumentException("layer '" + layer.getLayerName() + "' expects tokens [batch, features,"
                + " tokens] or features [batch, features]; got " + type);
    }

    /** {@code type} with {@code features} features and the same token count. */
    static InputType sameFeatures(org.deeplearning4j.nn.conf.layers.Layer layer, InputType type, long features) {
        features(layer, type);
        if (type instanceof InputType.InputTypeRecurrent r) {
            return InputType.recurrent(features, r.getTimeSeriesLength(), r.getFormat());
        }
        return InputType.feedForward(features);
    }
}
