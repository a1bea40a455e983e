-- Delta curves: quantiles of |delta loss| per model and layer over finite trials (the points of
-- the delta-loss CDF). ${trials} is a read_parquet(...) call.
SELECT
    model_id,
    layer_index,
    layer_name,
    count(*) AS finite_trials,
    quantile_cont(delta_loss, [0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) AS q
FROM ${trials}
WHERE NOT isnan(delta_loss)
GROUP BY model_id, layer_index, layer_name
ORDER BY model_id, layer_index
