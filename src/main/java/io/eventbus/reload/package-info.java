/**
 * Hot reload that is safe while events flow, shared by the two ways the bus runs ({@code eventbus run} and Karaf):
 * route files tried before they replace running routes ({@link io.eventbus.reload.RouteReloader}), the polling that
 * stops before Camel does ({@link io.eventbus.reload.HotReload}), subscriber switches applied from configuration
 * ({@link io.eventbus.reload.SubscriberSwitches}, {@link io.eventbus.reload.ConfigReloader}), and what was reloaded or
 * refused ({@link io.eventbus.reload.ReloadStatus}, as a health check and meters).
 */
package io.eventbus.reload;
