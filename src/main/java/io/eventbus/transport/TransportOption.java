package io.eventbus.transport;

/**
 * An endpoint option whose meaning depends on what the broker can do, so not every transport honours it. The
 * {@code bus:} endpoint asks {@link Transport#honours} when a route starts and refuses an option its topic's
 * transport would ignore, naming both: an option never silently does nothing.
 */
public enum TransportOption {

    /** {@code priority} (and the {@code EventbusPriority} header): deliver higher-priority messages first. */
    PRIORITY("priority"),
    /** {@code bindingKey}: a consumer group receives only the messages whose routing key matches its pattern. */
    BINDING_KEY("bindingKey");

    private final String optionName;

    TransportOption(String optionName) {
        this.optionName = optionName;
    }

    /** The option's name on the {@code bus:} endpoint. */
    public String optionName() {
        return optionName;
    }
}
