/**
 * The in-memory transport, the default: a bounded log per topic with consumer groups, in the model of a Redis
 * stream, and back-pressure instead of dropping what a group has not acknowledged.
 */
package io.eventbus.transport.memory;
