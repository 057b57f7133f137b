package io.eventbus.transport;

/**
 * {@link Transport#deleteGroup} refused: the group still has a live member (one attached, or one that read
 * recently). Its message names the topic, the group and what the broker saw, for the operator to stop that member
 * first.
 */
public class GroupInUseException extends IllegalStateException {

    public GroupInUseException(String message) {
        super(message);
    }

    public GroupInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
