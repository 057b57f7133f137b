package io.eventbus.envelope;

import java.util.List;
import java.util.stream.Collectors;

import io.eventbus.transport.FatalException;

/**
 * An event the bus refuses: not JSON, not an object, a missing or mistyped field, a bad timestamp or version,
 * too large, or {@code data} failing its JSON Schema.
 * <p>
 * The message names every violated field and why ({@code "published_at: ..."}), so the reason stored with the
 * dead letter tells an operator what to fix. Invalid events are never retried: this is a {@link FatalException}.
 */
public class InvalidEnvelopeException extends FatalException {

    private final List<Violation> violations;

    public InvalidEnvelopeException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid envelope needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    public InvalidEnvelopeException(String field, String reason) {
        this(List.of(new Violation(field, reason)));
    }

    /** Every rule the event broke, in the order they were checked; never empty. */
    public List<Violation> getViolations() {
        return violations;
    }

    /** The first offending field, e.g. {@code event_id} or {@code data.llm_confidence}. */
    public String getField() {
        return violations.get(0).field();
    }

    /** One broken rule: the JSON path of the field ({@code envelope} for the whole event) and the reason. */
    public record Violation(String field, String reason) {
        @Override
        public String toString() {
            return field + ": " + reason;
        }
    }
}
