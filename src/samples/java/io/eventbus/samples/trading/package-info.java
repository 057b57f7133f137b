/**
 * The trading sample's order book stage, run from the jar by its route. Sample code, not part of the bus.
 */
package io.eventbus.samples.trading;
