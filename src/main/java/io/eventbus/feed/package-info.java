/**
 * A file of events fed to a topic, and the account of what became of them: {@link io.eventbus.feed.JsonLines} reads
 * JSONL, {@link io.eventbus.feed.FeedPublisher} publishes each line (an invalid one is dead-lettered with its line
 * number), {@link io.eventbus.feed.RunSummary} counts what was processed, dead-lettered and deduplicated, and
 * {@link io.eventbus.feed.IdleWatch} tells when nothing moves any more. {@code eventbus run --feed} and Karaf's
 * {@code eventbus:feed} command both use them.
 */
package io.eventbus.feed;
