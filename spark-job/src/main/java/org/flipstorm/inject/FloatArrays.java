package org.flipstorm.inject;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Arrays whose values can be read in place, as one run of floats in c order. */
final class FloatArrays {
    private FloatArrays() {}

    /**
     * {@code a} itself if its values lie in c order as floats from the start of its buffer (so that
     * {@code data().asNioFloat()} reads them in place), else such a copy.
     */
    static INDArray contiguous(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.offset() == 0
                && a.data().length() == a.length() ? a : a.castTo(DataType.FLOAT).dup('c');
    }
}
