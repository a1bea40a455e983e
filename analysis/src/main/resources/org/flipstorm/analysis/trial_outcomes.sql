-- One compact row per trial, for the study comparison (SDC, tie and delta-loss ratios with
-- bootstrap intervals are computed from these in Java). Ordered so that a seeded bootstrap sees
-- the same sequence on every engine. ${trials} is the trial table.
SELECT
    architecture,
    variant,
    model_id,
    layer_index,
    layer_name,
    outcome,
    delta_loss,
    format,
    fault_model,
    target,
    ${detector} AS detector
FROM ${trials}
ORDER BY architecture, variant, layer_name, campaign_id, trial_id
