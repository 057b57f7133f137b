package io.eventbus.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of {@code <routes dir>/*.camel.yaml} that is safe while events flow, which Camel's own route reload
 * (a development aid that removes the old routes before it knows the new ones work) is not.
 * <p>
 * A changed or new file is first parsed, then tried: its routes are added under scratch ids, not started, so that
 * Camel resolves every endpoint and parses every expression, and removed again. Only a file that passes replaces
 * the routes it defined before: each old route is stopped through Camel's graceful shutdown (its consumer stops
 * taking events, in-flight exchanges finish on the old route and are acknowledged), removed, and the new routes
 * are started. A file that fails leaves the running routes untouched; the file, the line where known and the
 * reason go to the log and to {@link ReloadStatus}. A deleted file's routes are stopped the same graceful way.
 * <p>
 * Every route in a reloadable file needs an explicit {@code id}, the key that tells which running route a new
 * definition replaces. Route configurations and templates in a file are read at start only.
 */
final class RouteReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
    private static final String GLOB = "*.camel.yaml";
    private static final String TRIAL_PREFIX = "eventbus-reload-check-";
    private static final Pattern LINE = Pattern.compile("line[: ]+(\\d+)", Pattern.CASE_INSENSITIVE);

    private final CamelContext context;
    private final Path directory;
    private final ReloadStatus status;
    private final SubscriberSwitches switches;
    /** Per loaded file: its content as last seen (applied or refused) and the routes it defines now. */
    private final Map<Path, LoadedFile> files = new HashMap<>();

    private record LoadedFile(String content, List<String> routeIds) {
    }

    RouteReloader(CamelContext context, Path directory, ReloadStatus status, SubscriberSwitches switches) {
        this.context = context;
        this.directory = directory.toAbsolutePath().normalize();
        this.status = status;
        this.switches = switches;
    }

    /**
     * Adds every route file at start, before the context starts. A broken file fails the start with its name and
     * reason: nothing runs yet that it could leave untouched.
     */
    synchronized void loadAll() throws Exception {
        for (Path file : routeFiles()) {
            String content = Files.readString(file);
            Set<String> before = routeIds();
            try {
                for (RoutesBuilder builder : parse(file)) {
                    context.addRoutes(builder);
                }
            } catch (Exception e) {
                throw new IllegalArgumentException(describe(file, e), e);
            }
            Set<String> added = new LinkedHashSet<>(definitionIds());
            added.removeAll(before);
            files.put(file, new LoadedFile(content, List.copyOf(added)));
            LOG.info("Loaded {} route(s) from {}: {}", added.size(), relative(file), added);
        }
    }

    /** The file that defined the route, for error messages, or null. */
    synchronized Path fileOf(String routeId) {
        return files.entrySet().stream().filter(e -> e.getValue().routeIds().contains(routeId)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /** Applies what changed in the directory since the last scan; called periodically while the context runs. */
    synchronized void scan() throws IOException {
        List<Path> present = routeFiles();
        for (Path file : present) {
            String content;
            try {
                content = Files.readString(file);
            } catch (IOException e) {
                continue; // being replaced right now; the next scan sees it
            }
            LoadedFile known = files.get(file);
            if (known == null || !known.content().equals(content)) {
                reload(file, content, known == null ? List.of() : known.routeIds());
            }
        }
        for (Path gone : new ArrayList<>(files.keySet())) {
            if (!present.contains(gone)) {
                remove(gone);
            }
        }
    }

    private void reload(Path file, String content, List<String> previous) {
        List<RouteDefinition> fresh;
        try {
            fresh = definitions(file);
            checkIds(file, fresh);
            tryOut(file);
        } catch (Exception e) {
            String reason = describe(file, e);
            LOG.error("Route file {} not applied, the running routes are unchanged: {}", relative(file), reason);
            status.failed(relative(file), lineOf(e), reasonOf(e));
            files.put(file, new LoadedFile(content, previous));
            return;
        }
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteDefinition> old = new ArrayList<>();
        for (String id : previous) {
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                old.add(definition);
            }
        }
        try {
            stopAndRemove(previous);
            for (RouteDefinition definition : fresh) {
                if (!switches.enabled(context, definition.getRouteId(), definition.getInput().getEndpointUri())) {
                    definition.setAutoStartup("false");
                }
            }
            model.addRouteDefinitions(fresh);
        } catch (Exception e) {
            LOG.error("Route file {} passed its trial but could not start ({}); restoring the previous routes",
                    relative(file), reasonOf(e), e);
            status.failed(relative(file), null, reasonOf(e));
            restore(model, fresh, old);
            files.put(file, new LoadedFile(content, previous));
            return;
        }
        List<String> ids = fresh.stream().map(RouteDefinition::getRouteId).toList();
        files.put(file, new LoadedFile(content, ids));
        status.reloaded();
        LOG.info("Reloaded {}: routes {} replace {}", relative(file), ids, previous);
    }

    private void remove(Path file) {
        List<String> ids = files.remove(file).routeIds();
        try {
            stopAndRemove(ids);
            status.reloaded();
            LOG.info("Route file {} deleted: routes {} stopped and removed", relative(file), ids);
        } catch (Exception e) {
            status.failed(relative(file), null, reasonOf(e));
            LOG.error("Route file {} deleted but its routes {} could not be removed: {}", relative(file), ids,
                    reasonOf(e), e);
        }
    }

    private void stopAndRemove(List<String> ids) throws Exception {
        for (String id : ids) {
            if (context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id); // graceful: in-flight exchanges finish first
                context.removeRoute(id);
            }
        }
    }

    private void restore(ModelCamelContext model, List<RouteDefinition> fresh, List<RouteDefinition> old) {
        try {
            for (RouteDefinition definition : fresh) {
                if (context.getRoute(definition.getRouteId()) != null) {
                    context.getRouteController().stopRoute(definition.getRouteId());
                    context.removeRoute(definition.getRouteId());
                }
            }
            model.addRouteDefinitions(old);
        } catch (Exception e) {
            LOG.error("Restoring routes {} failed; restart the application", old.stream().map(RouteDefinition::getRouteId)
                    .toList(), e);
        }
    }

    /** Adds the file's routes under scratch ids without starting them, so Camel checks them, then removes them. */
    private void tryOut(Path file) throws Exception {
        List<RouteDefinition> trial = definitions(file);
        for (RouteDefinition definition : trial) {
            definition.setId(TRIAL_PREFIX + definition.getRouteId());
            definition.setAutoStartup("false");
        }
        ModelCamelContext model = (ModelCamelContext) context;
        try {
            model.addRouteDefinitions(trial);
        } catch (Exception e) {
            int line = 0;
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof FailedToCreateRouteException failed) {
                    line = trial.stream().filter(d -> d.getRouteId().equals(failed.getRouteId())).findFirst()
                            .map(RouteDefinition::getLineNumber).orElse(0);
                }
            }
            throw new RouteFileException(line, reasonOf(e).replace(TRIAL_PREFIX, ""), e);
        } finally {
            for (RouteDefinition definition : trial) {
                if (context.getRoute(definition.getRouteId()) != null) {
                    context.removeRoute(definition.getRouteId());
                }
                model.removeRouteDefinition(definition);
            }
        }
    }

    private void checkIds(Path file, List<RouteDefinition> definitions) {
        Set<String> seen = new HashSet<>();
        for (RouteDefinition definition : definitions) {
            if (!definition.hasCustomIdAssigned()) {
                throw new RouteFileException(definition.getLineNumber(), "a route without an id (from "
                        + definition.getInput().getEndpointUri() + "): give every route an id so that a reload knows "
                        + "which running route it replaces");
            }
            String id = definition.getRouteId();
            if (!seen.add(id)) {
                throw new RouteFileException(definition.getLineNumber(), "route id " + id + " appears twice");
            }
            Path owner = fileOf(id);
            if (owner != null && !owner.equals(file)) {
                throw new RouteFileException(definition.getLineNumber(), "route id " + id + " is already defined in "
                        + relative(owner));
            }
            if (owner == null && context.getRoute(id) != null) {
                throw new RouteFileException(definition.getLineNumber(), "route id " + id
                        + " is already used by a route of the application");
            }
        }
    }

    private List<RouteDefinition> definitions(Path file) throws Exception {
        List<RouteDefinition> definitions = new ArrayList<>();
        for (RoutesBuilder builder : parse(file)) {
            if (builder instanceof RouteBuilder routeBuilder) {
                definitions.addAll(routeBuilder.configureRoutes(context).getRoutes());
            }
        }
        return definitions;
    }

    private Collection<RoutesBuilder> parse(Path file) throws Exception {
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + file);
        return PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
    }

    private List<Path> routeFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            entries.filter(p -> p.getFileSystem().getPathMatcher("glob:" + GLOB).matches(p.getFileName()))
                    .filter(Files::isRegularFile).sorted().forEach(found::add);
        }
        return found;
    }

    private Set<String> routeIds() {
        Set<String> ids = new HashSet<>();
        for (Route route : context.getRoutes()) {
            ids.add(route.getRouteId());
        }
        ids.addAll(definitionIds());
        return ids;
    }

    private List<String> definitionIds() {
        return ((ModelCamelContext) context).getRouteDefinitions().stream().map(RouteDefinition::getRouteId).toList();
    }

    private String relative(Path file) {
        Path base = Path.of("").toAbsolutePath();
        return file.startsWith(base) ? base.relativize(file).toString() : file.toString();
    }

    /** {@code file[:line]: reason}, the form every refusal is reported in. */
    private String describe(Path file, Exception e) {
        Integer line = lineOf(e);
        return relative(file) + (line == null ? "" : ":" + line) + ": " + reasonOf(e);
    }

    private static Integer lineOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RouteFileException f && f.line > 0) {
                return f.line;
            }
            Matcher m = LINE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Integer.valueOf(m.group(1));
            }
        }
        return null;
    }

    /** The distinct messages of the cause chain, outermost first: Camel wraps the reason in its own context. */
    static String reasonOf(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (t instanceof RouteFileException) {
                return message; // already the whole account
            }
            if (message != null && !message.isBlank() && messages.stream().noneMatch(m -> m.contains(message.strip()))) {
                messages.add(message.strip());
            }
        }
        return messages.isEmpty() ? e.getClass().getSimpleName() : String.join(" <- ", messages);
    }

    /** A refusal found by the reloader itself, with the line of the route it concerns (0 when unknown). */
    private static final class RouteFileException extends IllegalArgumentException {
        final int line;

        RouteFileException(int line, String message) {
            super(message);
            this.line = line;
        }

        RouteFileException(int line, String message, Throwable cause) {
            super(message, cause);
            this.line = line;
        }
    }
}
