package org.flipstorm.inject;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import org.flipstorm.common.Choice;

/** What a fault does to the bits it hits. */
public enum FaultOp implements Choice {
    /** Transient bit flip: each hit bit is inverted. */
    FLIP,
    /** Stuck-at-0: each hit bit reads 0. */
    STUCK_AT_0,
    /** Stuck-at-1: each hit bit reads 1. */
    STUCK_AT_1;

    /** Applies the fault to the {@code mask} bits of {@code raw}. */
    public int apply(int raw, int mask) {
        return switch (this) {
            case FLIP -> raw ^ mask;
            case STUCK_AT_0 -> raw & ~mask;
            case STUCK_AT_1 -> raw | mask;
        };
    }

    /** Id as in configs and the trial schema: {@code flip}, {@code stuck_at_0}, {@code stuck_at_1}. */
    @Override
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The id, so that messages and logs spell a choice as configs do. */
    @Override
    public String toString() {
        return id();
    }

    /** The op with id {@code id} ('-' and '_' both accepted). */
    @JsonCreator
    public static FaultOp byId(String id) {
        for (FaultOp op : values()) {
            if (op.id().equals(id.toLowerCase(Locale.ROOT).replace('-', '_'))) {
                return op;
            }
        }
        throw new IllegalArgumentException("fault model '" + id + "' unknown; expected one of "
                + Arrays.stream(values()).map(FaultOp::id).toList());
    }
}
