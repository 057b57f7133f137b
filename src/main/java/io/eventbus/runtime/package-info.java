/**
 * The {@code eventbus} command line and the standalone runtime on Camel Main: run, publish, consume, validate,
 * stats, groups and dlq; configuration, hot reload of routes and configuration, switches.
 */
package io.eventbus.runtime;
