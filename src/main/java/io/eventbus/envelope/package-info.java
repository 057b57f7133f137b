/**
 * The event envelope: its model, JSON codec (including CloudEvents), validation with field-level messages, and the
 * JSON Schema registry by event type and major version.
 */
package io.eventbus.envelope;
