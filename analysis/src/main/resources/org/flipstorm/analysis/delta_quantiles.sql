-- Delta curves: quantiles of |delta loss| per model and layer over finite trials (the points of
-- the delta-loss CDF). ${trials} is the trial table; ${delta_quantiles} the engine's quantile
-- aggregate (DuckDB quantile_cont, Spark percentile) at Distributions.DELTA_QUANTILES.
SELECT
    model_id,
    layer_index,
    layer_name,
    count(*) AS finite_trials,
    ${delta_quantiles} AS q
FROM ${trials}
WHERE NOT isnan(delta_loss)
GROUP BY model_id, layer_index, layer_name
ORDER BY model_id, layer_index
