package org.flipstorm.inject;

/** How a fault turns a clean value into a faulty one (a number format, a fault op and a detector). */
@FunctionalInterface
public interface Corruption {
    /** The faulty value of {@code value} under {@code fault}. */
    float apply(float value, Fault fault);
}
