/**
 * Reads trial Parquet (the schema written by the Spark campaign) and turns it into per-layer
 * tables. Uses embedded DuckDB, so it needs neither Spark nor a cluster.
 */
package org.flipstorm.analysis;
