-- The models and fault settings a trial table was run with: what 'compare' checks before it
-- judges two campaigns against each other. Columns a table lacks are filled in by the caller.
SELECT DISTINCT
    model_id,
    ${format} AS format,
    ${fault_model} AS fault_model,
    ${target} AS target,
    ${detector} AS detector
FROM ${trials}
ORDER BY model_id
