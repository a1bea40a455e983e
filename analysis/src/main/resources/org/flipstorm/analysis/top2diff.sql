-- Golden margin (top2diff = p1 - p2 of the clean run) per model and variant, one value per image,
-- in ten bins of width 0.1. ${trials} is the trial table.
WITH img AS (
    SELECT model_id, variant, image_index, any_value(golden_top2diff) AS margin
    FROM ${trials}
    GROUP BY model_id, variant, image_index)
SELECT model_id, variant, least(floor(margin * 10), 9)::INTEGER AS bin, count(*) AS images
FROM img
GROUP BY model_id, variant, bin
ORDER BY model_id, variant, bin
