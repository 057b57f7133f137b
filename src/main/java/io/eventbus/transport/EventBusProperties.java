package io.eventbus.transport;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to the {@code eventbus.*} configuration keys held by Camel's properties component (so
 * {@code application.properties}, environment variables and anything else Camel resolves all apply).
 * <p>
 * The keys with a fixed name are typed options: fields marked {@link ConfigKey} in a settings class, read all at once
 * with {@link #settings(Class)}. The others (a topic's transport, a route's switch, a Kafka client property) are read
 * one by one with {@link #string(String)} and its typed neighbours.
 * <p>
 * A value of the wrong shape fails with a message naming the key, the value and what was expected, instead of a
 * bare {@code NumberFormatException} from deep inside a start-up.
 */
public final class EventBusProperties {

    private final PropertiesComponent properties;
    private final List<Object> configured;

    public EventBusProperties(CamelContext context) {
        this(context, List.of());
    }

    /**
     * @param configured settings objects set as the {@code bus} component's options: {@link #settings(Class)} starts
     *                   from the one of the class asked for, so a key overrides its value and an unset key keeps it
     */
    public EventBusProperties(CamelContext context, List<?> configured) {
        this.properties = context.getPropertiesComponent();
        this.configured = List.copyOf(configured);
    }

    /**
     * A new settings object of that class: each {@link ConfigKey} field holds its key's value when the key is set,
     * else the value of the configured object of that class (a component option), else the field's initial value,
     * its default.
     *
     * @throws IllegalArgumentException naming the key, when a value has the wrong shape or is out of range
     */
    public <T> T settings(Class<T> type) {
        T settings;
        try {
            settings = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public constructor without parameters", e);
        }
        Object base = configured.stream().filter(type::isInstance).findFirst().orElse(null);
        try {
            for (Field field : optionFields(type)) {
                ConfigKey key = field.getAnnotation(ConfigKey.class);
                if (base != null) {
                    field.set(settings, field.get(base));
                }
                Optional<String> value = string(key.value());
                if (value.isPresent()) {
                    field.set(settings, parse(key, field.getType(), value.get()));
                } else if (field.get(settings) instanceof Number number) {
                    checkRange(key, field.getType(), number.longValue(), String.valueOf(number));
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set the options of " + type.getName(), e);
        }
        return settings;
    }

    /** The keys of the typed options of a settings class, in the order of its fields, then its superclass's. */
    public static List<String> keysOf(Class<?> type) {
        return optionFields(type).stream().map(f -> f.getAnnotation(ConfigKey.class).value()).toList();
    }

    /** The {@link ConfigKey} fields of the class, then of its superclasses (the catalog's order), accessible. */
    public static List<Field> optionFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.isAnnotationPresent(ConfigKey.class)) {
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static Object parse(ConfigKey key, Class<?> type, String value) {
        if (type == String.class) {
            return value;
        }
        if (type == boolean.class || type == Boolean.class) {
            return bool(key.value(), value);
        }
        if (type.isEnum()) {
            return enumConstant(key.value(), (Class) type, value);
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw outOfRange(key, type, value);
        }
        checkRange(key, type, parsed, value);
        if (type == int.class || type == Integer.class) {
            return (int) parsed;
        }
        if (type == long.class || type == Long.class) {
            return parsed;
        }
        throw new IllegalStateException(key.value() + ": options of type " + type.getName() + " are not supported");
    }

    private static void checkRange(ConfigKey key, Class<?> type, long value, String text) {
        if (value < key.min() || value > max(key, type)) {
            throw outOfRange(key, type, text);
        }
    }

    private static IllegalArgumentException outOfRange(ConfigKey key, Class<?> type, String text) {
        long max = max(key, type);
        return new IllegalArgumentException(key.value() + ": expected an integer " + (max == Long.MAX_VALUE
                ? ">= " + key.min() : "between " + key.min() + " and " + max) + " but was \"" + text + "\"");
    }

    private static long max(ConfigKey key, Class<?> type) {
        return Math.min(key.max(), type == int.class || type == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE);
    }

    public Optional<String> string(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return string(key).map(value -> bool(key, value)).orElse(defaultValue);
    }

    private static boolean bool(String key, String value) {
        return switch (value.toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false but was \"" + value + "\"");
        };
    }

    private static <E extends Enum<E>> E enumConstant(String key, Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase());
        }
        throw new IllegalArgumentException(key + ": expected one of " + allowed + " but was \"" + value + "\"");
    }
}
