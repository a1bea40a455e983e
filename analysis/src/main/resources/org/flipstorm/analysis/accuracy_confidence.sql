-- Accuracy vs confidence: for each threshold t, the clean accuracy of the images whose golden
-- confidence is >= t and the fraction of images kept, and the accuracy under faults of the trials
-- on those images; confidences are float32, so t is compared as float32 too. ${trials} is the trial table, ${thresholds_table} a one-column table of t.
WITH t AS ${thresholds_table},
img AS (
    SELECT model_id, image_index, any_value(label) AS label, any_value(golden_top1) AS top1,
           any_value(golden_confidence) AS conf
    FROM ${trials}
    GROUP BY model_id, image_index),
total AS (SELECT model_id, count(*) AS all_images FROM img GROUP BY model_id),
clean AS (
    SELECT model_id, threshold, count(*) AS images,
           avg(CASE WHEN top1 = label THEN 1 ELSE 0 END) AS clean_accuracy
    FROM img, t WHERE conf >= CAST(threshold AS FLOAT)
    GROUP BY model_id, threshold),
faulty AS (
    SELECT model_id, threshold, count(*) AS trials,
           avg(CASE WHEN faulty_top1 = label THEN 1 ELSE 0 END) AS faulty_accuracy
    FROM ${trials}, t WHERE golden_confidence >= CAST(threshold AS FLOAT)
    GROUP BY model_id, threshold)
SELECT c.model_id, c.threshold, c.images, c.images::DOUBLE / total.all_images AS kept, c.clean_accuracy,
       f.trials, f.faulty_accuracy
FROM clean c JOIN total USING (model_id) LEFT JOIN faulty f USING (model_id, threshold)
ORDER BY c.model_id, c.threshold
