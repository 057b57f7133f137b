package io.eventbus.routing;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A routing table file that cannot be used: unreadable, not YAML, or not in the routing table format.
 * <p>
 * The message names the file, the 1-based line when the problem has one, and the reason, e.g.
 * {@code routing table routing.yaml line 4: value of "bom_exploded" must be a topic name or a list of topic names},
 * so an operator can fix the file from the log line alone.
 */
public class RoutingTableException extends RuntimeException {

    private final transient Path file;
    private final int line;
    private final String reason;

    RoutingTableException(Path file, int line, String reason, Throwable cause) {
        super("routing table " + file + " line " + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    RoutingTableException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    /** For problems that concern the whole file rather than a place in it, such as the file being missing. */
    RoutingTableException(Path file, String reason, Throwable cause) {
        super("routing table " + file + ": " + reason, cause);
        this.file = file;
        this.line = 0;
        this.reason = reason;
    }

    /** The routing table file, as it was given to {@link RoutingTable#load}. */
    public Path getFile() {
        return file;
    }

    /** The 1-based line of the problem; empty when the problem is not at a place in the file. */
    public OptionalInt getLine() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /** The reason alone, without the file and line. */
    public String getReason() {
        return reason;
    }
}
