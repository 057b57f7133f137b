/**
 * The {@code eventbus} command line and the standalone runtime on Camel Main: run, publish, consume, validate,
 * stats, groups and dlq; configuration, and the hot reload of io.eventbus.reload wired into Camel Main.
 */
package io.eventbus.runtime;
