package io.eventbus.envelope;

/**
 * Semantic versions as the envelope uses them: {@code major.minor.patch}, ASCII digits only, no leading zeros.
 * Checked by hand rather than with a regular expression: every event published or consumed is checked.
 */
final class SchemaVersion {

    private SchemaVersion() {
    }

    /** Semver whose major fits an int: schemas are filed by major, so a larger one could never match. */
    static boolean isValid(String version) {
        return majorOf(version) >= 0;
    }

    /** The major of a valid version, else -1. */
    static int majorOf(String version) {
        if (version == null) {
            return -1;
        }
        int length = version.length();
        int at = 0;
        long major = -1;
        for (int part = 0; part < 3; part++) {
            int start = at;
            while (at < length && isAsciiDigit(version.charAt(at))) {
                at++;
            }
            if (at == start || version.charAt(start) == '0' && at - start > 1) {
                return -1;
            }
            if (part == 0) {
                if (at - start > 10) {
                    return -1;
                }
                major = Long.parseLong(version, start, at, 10);
                if (major > Integer.MAX_VALUE) {
                    return -1;
                }
            }
            if (part < 2) {
                if (at == length || version.charAt(at) != '.') {
                    return -1;
                }
                at++;
            }
        }
        return at == length ? (int) major : -1;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
