package io.eventbus.reload;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.eventbus.bus.PublisherSwitches;

/**
 * The keys a configuration change touched, sorted by when they apply: the subscriber and publisher switches at
 * once, every other key (a transport, a connection, a retention setting) only when the bus next starts, since
 * transports and consumers read theirs once, at start.
 */
public record ConfigChange(Set<String> appliedNow, Set<String> needRestart) {

    public static ConfigChange between(Map<String, String> before, Map<String, String> after) {
        Set<String> now = new TreeSet<>();
        Set<String> restart = new TreeSet<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            if (!Objects.equals(before.get(key), after.get(key))) {
                (isSwitch(key) ? now : restart).add(key);
            }
        }
        return new ConfigChange(now, restart);
    }

    private static boolean isSwitch(String key) {
        return key.startsWith(SubscriberSwitches.PREFIX) || key.startsWith(PublisherSwitches.PREFIX);
    }
}
