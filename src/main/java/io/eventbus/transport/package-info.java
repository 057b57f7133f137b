/**
 * The transport SPI every broker binding implements: {@link io.eventbus.transport.Transport}, deliveries and their
 * settlement ({@link io.eventbus.transport.SettlingDelivery}, handed out by
 * {@link io.eventbus.transport.DeliveryWorkers}), the dead-letter store, dead-letter topic names and the error
 * classes a transport throws.
 */
package io.eventbus.transport;
