-- SDC rate by number format and bit position, per model. ${trials} is the trial table.
SELECT
    model_id,
    format,
    bit,
    count(*)                                    AS trials,
    count(*) FILTER (WHERE outcome = 'sdc')     AS sdc,
    count(*) FILTER (WHERE outcome = 'non_finite') AS non_finite
FROM ${trials}
GROUP BY model_id, format, bit
ORDER BY model_id, format, bit
