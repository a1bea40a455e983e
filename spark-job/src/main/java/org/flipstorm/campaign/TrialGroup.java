package org.flipstorm.campaign;

/**
 * One group of a campaign's plan: the trials of one layer (or one layer and bit), sampled from its
 * fault sites.
 *
 * @param groupId position in the plan
 * @param layer the target layer
 * @param bit the bit of a (layer, bit) group, or -1 for every bit of the spec
 * @param population fault sites: eligible images x neurons x bits
 * @param trials trials planned
 * @param firstTrialId id of the group's first trial
 */
public record TrialGroup(int groupId, TargetLayer layer, int bit, long population, long trials, long firstTrialId)
        implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** True when every site of the group runs. */
    public boolean exhaustive() {
        return trials == population;
    }
}
