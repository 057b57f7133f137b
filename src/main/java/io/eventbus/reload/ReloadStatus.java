package io.eventbus.reload;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.eventbus.observability.BusMetrics;

/**
 * What hot reload has done since start, for the log, the {@code eventbus-reload} health check and the HTTP status:
 * how many route files and configuration changes were applied, how many were refused, and the last refusal (file,
 * line where known, reason). A refused change leaves the running routes and configuration untouched.
 */
public final class ReloadStatus {

    private long reloads;
    private long failures;
    private long configReloads;
    private long schemaReloads;
    private String lastError;
    private String lastErrorFile;
    private Integer lastErrorLine;
    private Instant lastErrorAt;
    private Instant lastReloadAt;

    /** Hot reload's counts as meters, read from this status at each scrape. */
    public void registerMeters(BusMetrics metrics) {
        metrics.functionCounter(BusMetrics.RELOADS, "Route files (re)loaded or removed after start", this::reloads);
        metrics.functionCounter(BusMetrics.RELOAD_FAILURES,
                "Route file and configuration changes refused (the previous ones kept running)", this::failures);
        metrics.functionCounter(BusMetrics.CONFIG_RELOADS, "Configuration file changes applied after start",
                this::configReloads);
        metrics.functionCounter(BusMetrics.SCHEMA_RELOADS, "JSON Schema folder changes applied after start",
                this::schemaReloads);
    }

    synchronized void reloaded() {
        reloads++;
        lastReloadAt = Instant.now();
    }

    public synchronized void configReloaded() {
        configReloads++;
        lastReloadAt = Instant.now();
    }

    synchronized void schemasReloaded() {
        schemaReloads++;
        lastReloadAt = Instant.now();
    }

    public synchronized void failed(String file, Integer line, String reason) {
        failures++;
        lastErrorFile = file;
        lastErrorLine = line;
        lastError = reason;
        lastErrorAt = Instant.now();
    }

    /** Route files (re)loaded or removed after start. */
    public synchronized long reloads() {
        return reloads;
    }

    /** JSON Schema folder changes applied after start. */
    public synchronized long schemaReloads() {
        return schemaReloads;
    }

    /** Configuration file changes applied after start. */
    public synchronized long configReloads() {
        return configReloads;
    }

    /** Changes refused: broken route files and invalid configuration. */
    public synchronized long failures() {
        return failures;
    }

    /** The last refusal as {@code file:line: reason}, or null. */
    public synchronized String lastError() {
        if (lastError == null) {
            return null;
        }
        return lastErrorFile + (lastErrorLine == null ? "" : ":" + lastErrorLine) + ": " + lastError;
    }

    /** The figures as health-check details. */
    public synchronized Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reloads", reloads);
        details.put("config_reloads", configReloads);
        details.put("schema_reloads", schemaReloads);
        details.put("reload_failures", failures);
        if (lastReloadAt != null) {
            details.put("last_reload_at", lastReloadAt.toString());
        }
        if (lastError != null) {
            details.put("last_error", lastError);
            details.put("last_error_file", lastErrorFile);
            if (lastErrorLine != null) {
                details.put("last_error_line", lastErrorLine);
            }
            details.put("last_error_at", lastErrorAt.toString());
        }
        return details;
    }
}
