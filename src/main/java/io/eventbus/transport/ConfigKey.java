package io.eventbus.transport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The configuration key of a typed option: a field of a settings class that is also a {@code @UriParam} option of
 * the {@code bus} component. {@link EventBusProperties#settings(Class)} sets the field from the key (and so from its
 * environment variable, {@code EVENTBUS_REDIS_MAX_LEN} for {@code eventbus.redis.max-len}); the option's name is the
 * key without {@code eventbus.}, camel-cased ({@code redisMaxLen}), and its default is the field's initial value.
 * <p>
 * An integer option accepts {@link #min()} to {@link #max()} (capped at its Java type's largest value); a value out
 * of range or of the wrong shape fails naming the key.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ConfigKey {

    /** The key, e.g. {@code eventbus.redis.max-len}. */
    String value();

    /** The least value an integer option accepts. */
    long min() default 0;

    /** The largest value an integer option accepts, if less than its type's largest. */
    long max() default Long.MAX_VALUE;
}
