/**
 * The operator console: a web page on {@code eventbus run}'s HTTP server showing topics, groups, lag, routes, hot
 * reload and dead letters, with replay and purge for a holder of the admin token. Static assets ship in the jar;
 * the page reads the JSON of {@link io.eventbus.console.OperatorConsole} and of the dead-letter API.
 */
package io.eventbus.console;
