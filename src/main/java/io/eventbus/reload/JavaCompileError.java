package io.eventbus.reload;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first error of a Java route file that does not compile, as the JDK's compiler reported it.
 * <p>
 * Camel's Java DSL loader (jOOR) compiles a route file when it loads it and, when the compiler fails, throws an
 * exception whose text is the compiler's report: {@code Compilation error:} then, per error, {@code /Name.java:LINE:
 * error: MESSAGE}, the source line with a caret under the column, and the message's further lines ({@code symbol:},
 * {@code location:}). The exception carries nothing more structured, so the report is read here: the line and the
 * message, without the echoed source and caret (the file is at hand), so that a refusal reads like every other one,
 * {@code file:line: reason}.
 */
record JavaCompileError(int line, String message, int moreErrors) {

    private static final String REPORT = "Compilation error:";
    private static final Pattern ERROR = Pattern.compile("^\\S*\\.java:(\\d+): error: (.*)$");
    private static final Pattern CARET = Pattern.compile("^\\s*\\^\\s*$");

    /** The compile error in the cause chain of {@code e}, if a Java route file failed to compile. */
    static Optional<JavaCompileError> in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getMessage();
            if (text != null && text.startsWith(REPORT)) {
                return parse(text);
            }
        }
        return Optional.empty();
    }

    private static Optional<JavaCompileError> parse(String report) {
        String[] lines = report.split("\\R");
        int line = 0;
        String message = null;
        List<String> details = new ArrayList<>();
        int errors = 0;
        for (int i = 0; i < lines.length; i++) {
            Matcher error = ERROR.matcher(lines[i]);
            if (error.matches()) {
                if (++errors == 1) {
                    line = Integer.parseInt(error.group(1));
                    message = error.group(2).strip();
                }
                continue;
            }
            boolean echoedSource = i + 1 < lines.length && CARET.matcher(lines[i + 1]).matches();
            String detail = lines[i].strip().replaceAll("\\s+", " ");
            // the compiler's notes ("Note: ... uses unchecked operations") follow the errors and are no part of them
            if (errors == 1 && !echoedSource && !CARET.matcher(lines[i]).matches() && !detail.isEmpty()
                    && !detail.startsWith("Note:")) {
                details.add(detail);
            }
        }
        if (message == null) {
            return Optional.empty();
        }
        String full = details.isEmpty() ? message : message + " (" + String.join(", ", details) + ")";
        return Optional.of(new JavaCompileError(line, full, errors - 1));
    }

    /** The reason of the refusal: the compiler's message, and how many further errors it found. */
    String reason() {
        return "does not compile: " + message
                + (moreErrors == 0 ? "" : " (and " + moreErrors + " more error" + (moreErrors == 1 ? ")" : "s)"));
    }
}
