-- SDC counts per architecture, layer and variant: the input of the reliability improvement
-- (baseline SDC rate / text-guided SDC rate). ${trials} is the trial table.
SELECT
    architecture,
    layer_index,
    layer_name,
    variant,
    count(*)                                    AS trials,
    count(*) FILTER (WHERE outcome = 'sdc')     AS sdc
FROM ${trials}
GROUP BY architecture, layer_index, layer_name, variant
ORDER BY architecture, layer_index, layer_name, variant
