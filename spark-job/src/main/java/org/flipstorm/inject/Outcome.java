package org.flipstorm.inject;

import java.util.Locale;

/** What a fault did to the prediction. */
public enum Outcome {
    /** The top-1 class is unchanged and the output is finite. */
    MASKED,
    /** Silent data corruption: the top-1 class changed. */
    SDC,
    /** The output holds NaN or infinity. */
    NON_FINITE,
    /**
     * The faulty output's largest score is shared by two or more classes (e.g. a uniform output),
     * so its top-1 is decided by index order, not by the network: neither SDC nor masked. Schema 2.
     */
    TIE;

    /** The lower-case name used in the trial schema. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
