-- Activation histograms of a campaign's profiling pass (written beside the trials, in activations/).
-- ${activations} is the engine's table over those Parquet files.
SELECT model_id, layer_index, layer_name, bin, low, high, count
FROM ${activations}
ORDER BY model_id, layer_index, bin
