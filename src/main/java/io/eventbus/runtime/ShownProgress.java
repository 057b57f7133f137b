package io.eventbus.runtime;

import io.eventbus.deadletter.DeadLetters;

/**
 * A dead-letter replay's or purge's progress as {@link Progress} shows it: the line starts once the dead letters
 * are selected (the total is then known) and only where progress is shown at all.
 */
final class ShownProgress implements DeadLetters.ProgressListener, AutoCloseable {

    private final String label;
    private final boolean quiet;
    private Progress progress;

    ShownProgress(String label, boolean quiet) {
        this.label = label;
        this.quiet = quiet;
    }

    @Override
    public void selected(int total) {
        progress = Progress.onTerminal(label, (long) total, quiet);
    }

    @Override
    public void settled() {
        Progress.step(progress);
    }

    @Override
    public void close() {
        Progress.close(progress);
    }
}
