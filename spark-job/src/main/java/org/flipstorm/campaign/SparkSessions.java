package org.flipstorm.campaign;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.flipstorm.zoo.runtime.Dl4jRuntime;

/** The Spark session a campaign creates when none is active, and what its tasks need from it. */
final class SparkSessions {
    private SparkSessions() {}

    /** A session for {@code spec}: its master unless spark-submit set one, no UI, DL4J's settings everywhere. */
    static SparkSession create(CampaignSpec spec) {
        SparkConf conf = new SparkConf()
                .setAppName("flipstorm-" + spec.name())
                .setIfMissing("spark.master", spec.master())
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.ui.showConsoleProgress", "false")
                .setIfMissing("spark.sql.shuffle.partitions", "4")
                // Executors (and a driver in cluster mode) need the same DL4J fast-path settings.
                .setIfMissing("spark.executor.extraJavaOptions", dl4jOptions())
                .setIfMissing("spark.driver.extraJavaOptions", dl4jOptions());
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static String dl4jOptions() {
        return "-D" + Dl4jRuntime.EXTENSION_PROPERTY + "="
                + System.getProperty(Dl4jRuntime.EXTENSION_PROPERTY, Dl4jRuntime.ONEDNN_EXTENSION)
                + " -D" + Dl4jRuntime.HELPERS_PROPERTY + "=false";
    }

    /** The file-system settings tasks need to reach the output (fs.*, dfs.*, hadoop.*). */
    static Map<String, String> hadoopSettings(Configuration conf) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            String k = e.getKey();
            if (k.startsWith("fs.") || k.startsWith("dfs.") || k.startsWith("hadoop.")) {
                out.put(k, e.getValue());
            }
        }
        return out;
    }
}
