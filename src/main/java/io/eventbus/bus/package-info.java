/**
 * The {@code bus:} Camel component: its endpoint, consumer and producer, dead-letter writing, and the plug-in
 * and observer interfaces through which tools such as metrics see what it does. It knows transports only by the SPI.
 */
package io.eventbus.bus;
