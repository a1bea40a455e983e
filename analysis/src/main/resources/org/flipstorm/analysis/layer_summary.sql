-- Per-layer vulnerability of a trial table.
-- ${trials} is replaced by the engine's table over the campaign's Parquet files (DuckDB
-- read_parquet or a Spark view).
-- The same file is run by LayerSummaryTest, so the query cannot drift from what the code uses.
SELECT
    model_id,
    layer_index,
    layer_name,
    count(*)                                                    AS trials,
    count(*) FILTER (WHERE outcome = 'sdc')                     AS sdc,
    count(*) FILTER (WHERE outcome = 'non_finite')              AS non_finite,
    count(*) FILTER (WHERE outcome = 'tie')                     AS ties,
    avg(delta_loss) FILTER (WHERE NOT isnan(delta_loss))        AS mean_delta_loss,
    stddev_samp(delta_loss) FILTER (WHERE NOT isnan(delta_loss)) AS sd_delta_loss
FROM ${trials}
GROUP BY model_id, layer_index, layer_name
ORDER BY model_id, layer_index
