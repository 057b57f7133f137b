/**
 * Tools over dead letters: list, show, count, replay and purge through each transport's dead-letter store, for
 * the command line and the HTTP API.
 */
package io.eventbus.deadletter;
