/**
 * The transport SPI every broker binding implements: {@link io.eventbus.transport.Transport}, deliveries and their
 * settlement, the dead-letter store, dead-letter topic names and the error classes a transport throws.
 */
package io.eventbus.transport;
