/**
 * Routing by {@code event_type}: a routing table read from a file, reloaded when it changes, used as a Camel
 * recipient list.
 */
package io.eventbus.routing;
