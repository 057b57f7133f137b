package io.eventbus.envelope;

import java.util.regex.Pattern;

/** Semantic versions as the envelope uses them: {@code major.minor.patch}, digits only, no leading zeros. */
final class SchemaVersion {

    private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)");

    private SchemaVersion() {
    }

    static boolean isValid(String version) {
        return version != null && SEMVER.matcher(version).matches();
    }

    static int majorOf(String version) {
        if (!isValid(version)) {
            return -1;
        }
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }
}
