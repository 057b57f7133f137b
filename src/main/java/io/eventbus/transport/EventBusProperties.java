package io.eventbus.transport;

import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to the {@code eventbus.*} configuration keys held by Camel's properties component (so
 * {@code application.properties}, environment variables and anything else Camel resolves all apply).
 * <p>
 * A value of the wrong shape fails with a message naming the key, the value and what was expected, instead of a
 * bare {@code NumberFormatException} from deep inside a start-up.
 */
public final class EventBusProperties {

    private final PropertiesComponent properties;

    public EventBusProperties(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> string(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public int positiveInt(String key, int defaultValue) {
        return (int) positiveLong(key, defaultValue, Integer.MAX_VALUE);
    }

    public long nonNegativeLong(String key, long defaultValue) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the key
        }
        throw new IllegalArgumentException(key + ": expected an integer >= 0 but was \"" + value.get() + "\"");
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false but was \"" + value.get() + "\"");
        };
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.get())) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase());
        }
        throw new IllegalArgumentException(key + ": expected one of " + allowed + " but was \"" + value.get() + "\"");
    }

    private long positiveLong(String key, long defaultValue, long max) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed > 0 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the key
        }
        throw new IllegalArgumentException(key + ": expected an integer between 1 and " + max + " but was \""
                + value.get() + "\"");
    }
}
