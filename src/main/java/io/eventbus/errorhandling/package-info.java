/**
 * How routes handle failure: the bus's default error handler (redelivery with back-off and jitter, then the
 * dead-letter channel) and the classification of an exception as retryable or fatal.
 */
package io.eventbus.errorhandling;
