/**
 * The injection core: bit flips, the golden pass and batched suffix re-runs of a DL4J network.
 *
 * <p>Nothing here imports Spark or Scala (a test scans the compiled classes), so the engine runs
 * in a plain JVM, a notebook or a test as well as inside a Spark executor.
 */
package org.flipstorm.inject;
