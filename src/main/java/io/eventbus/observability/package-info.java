/**
 * Meters, backlog gauges and the built-in middlewares (logging, metrics), plugged into the bus as a
 * {@link io.eventbus.bus.BusPlugin}: the bus reports to them, and never depends on them.
 */
package io.eventbus.observability;
