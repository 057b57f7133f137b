package io.eventbus.envelope;

import java.util.regex.Pattern;

/** Semantic versions as the envelope uses them: {@code major.minor.patch}, digits only, no leading zeros. */
final class SchemaVersion {

    private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)");

    private SchemaVersion() {
    }

    /** Semver whose major fits an int: schemas are filed by major, so a larger one could never match. */
    static boolean isValid(String version) {
        return version != null && SEMVER.matcher(version).matches() && parseMajor(version) >= 0;
    }

    static int majorOf(String version) {
        return isValid(version) ? parseMajor(version) : -1;
    }

    private static int parseMajor(String version) {
        try {
            return Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }
}
