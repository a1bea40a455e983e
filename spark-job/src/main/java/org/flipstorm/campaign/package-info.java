/**
 * The Spark campaign: configuration, trial planning, the executor-side shard runner, the Parquet
 * sink and the command line. Wires {@code org.flipstorm.inject} and the model zoo into Spark.
 */
package org.flipstorm.campaign;
