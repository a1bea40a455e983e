package org.flipstorm.common;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A closed choice of a config or command line, spelled by its {@link #id()}: the enums of the
 * campaign spec (format, fault model, target, ...) implement it, so configs, rows, manifests and
 * run ids all use one spelling.
 */
public interface Choice {
    /** The spelling in configs, trial rows and manifests, e.g. {@code fp32}, {@code layer_bit}. */
    String id();

    /**
     * The constant of {@code type} whose id is {@code value} (case and surrounding blanks ignored);
     * otherwise an error naming {@code key}, the value and every accepted id.
     */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String key, String value) {
        if (value != null) {
            for (E e : type.getEnumConstants()) {
                if (e.id().equalsIgnoreCase(value.strip())) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(key + " '" + value + "' unknown; expected one of " + ids(type));
    }

    /** Every id of {@code type}, comma-separated. */
    static <E extends Enum<E> & Choice> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(", "));
    }
}
