/**
 * The listings anti-fraud sample's stages (normalize, dedupe, fraud check), run from the jar by
 * {@code routes/listings.camel.yaml}. Sample code, not part of the bus.
 */
package io.eventbus.samples.listings;
