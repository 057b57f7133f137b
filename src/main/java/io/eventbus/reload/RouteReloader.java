package io.eventbus.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.ToolProvider;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceAware;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of {@code <routes dir>/*.camel.yaml} and {@code <routes dir>/*.java} that is safe while events flow,
 * which Camel's own route reload (a development aid that removes the old routes before it knows the new ones work) is
 * not.
 * <p>
 * Both are read by Camel's own loader for their extension: YAML by the YAML DSL, Java (a class extending
 * {@code RouteBuilder}, named like its file) by the Java DSL, which compiles the file with the JDK's compiler as it
 * loads it, as Camel JBang does. Each compile defines its classes in a class loader of its own, so a changed file
 * compiles again under the same class name without clashing with the classes its running routes still use.
 * <p>
 * A changed or new file is first parsed (compiled), then tried: its routes are added under scratch ids, not started,
 * so that Camel resolves every endpoint and parses every expression, and removed again. Only a file that passes
 * replaces the routes it defined before: each old route is stopped through Camel's graceful shutdown (its consumer
 * stops taking events, in-flight exchanges finish on the old route and are acknowledged), removed, and the new routes
 * are started. A file that fails leaves the running routes untouched; the file, the line where known and the
 * reason go to the log and to {@link ReloadStatus}; for a Java file that does not compile, the line and message of the
 * compiler's first error ({@link JavaCompileError}). A deleted file's routes are stopped the same graceful way.
 * <p>
 * Every route in a reloadable file needs an explicit {@code id} ({@code routeId(...)} in Java), the key that tells
 * which running route a new definition replaces, and so does every {@code templatedRoute} ({@code routeId}). Routes
 * made from templates are added after all files' own routes and templates, as Camel Main does, and are replaced with
 * their file; route configurations and templates themselves are read at start only.
 * <p>
 * Once {@link #stop()} is called, or the context is stopping, a scan applies nothing more: a file whose routes are
 * already being replaced is finished, since stopping half-way would leave neither the old nor the new routes; the
 * files not begun are left for the next start.
 */
public final class RouteReloader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);
    private static final String GLOB = "{*.camel.yaml,*.java}";
    private static final String TRIAL_PREFIX = "eventbus-reload-check-";
    private static final Pattern LINE = Pattern.compile("line[: ]+(\\d+)", Pattern.CASE_INSENSITIVE);

    private final CamelContext context;
    private final Path directory;
    private final ReloadStatus status;
    private final SubscriberSwitches switches;
    /** Per loaded file: its content as last seen (applied or refused) and the routes it defines now. */
    private final Map<Path, LoadedFile> files = new HashMap<>();
    private volatile boolean stopped;

    private record LoadedFile(String content, List<String> routeIds) {
    }

    public RouteReloader(CamelContext context, Path directory, ReloadStatus status, SubscriberSwitches switches) {
        this.context = context;
        this.directory = directory.toAbsolutePath().normalize();
        this.status = status;
        this.switches = switches;
    }

    /**
     * Adds every route file at start, before the context starts. A broken file fails the start with its name and
     * reason: nothing runs yet that it could leave untouched.
     */
    public synchronized void loadAll() throws Exception {
        Map<Path, Collection<RoutesBuilder>> parsed = new LinkedHashMap<>();
        Map<Path, String> contents = new HashMap<>();
        Map<Path, Set<String>> added = new HashMap<>();
        for (Path file : routeFiles()) {
            // as loaded: a change made while starting is seen by the first scan
            contents.put(file, Files.readString(file));
            Set<String> before = routeIds();
            try {
                Collection<RoutesBuilder> builders = parse(file);
                for (RoutesBuilder builder : builders) {
                    context.addRoutes(builder);
                }
                parsed.put(file, builders);
            } catch (Exception e) {
                throw new IllegalArgumentException(describe(file, e), e);
            }
            added.put(file, newIds(before));
        }
        // routes made from templates come second, as Camel Main adds them: a template may live in another file
        for (Map.Entry<Path, Collection<RoutesBuilder>> file : parsed.entrySet()) {
            Set<String> before = routeIds();
            try {
                for (RoutesBuilder builder : file.getValue()) {
                    builder.addTemplatedRoutesToCamelContext(context);
                }
            } catch (Exception e) {
                throw new IllegalArgumentException(describe(file.getKey(), e), e);
            }
            added.get(file.getKey()).addAll(newIds(before));
        }
        for (Path file : parsed.keySet()) {
            files.put(file, new LoadedFile(contents.get(file), List.copyOf(added.get(file))));
            LOG.info("Loaded {} route(s) from {}: {}", added.get(file).size(), relative(file), added.get(file));
        }
    }

    private Set<String> newIds(Set<String> before) {
        Set<String> added = new LinkedHashSet<>(definitionIds());
        added.removeAll(before);
        return added;
    }

    /** The file that defined the route, for error messages, or null. */
    public synchronized Path fileOf(String routeId) {
        return files.entrySet().stream().filter(e -> e.getValue().routeIds().contains(routeId)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    /**
     * Applies no further change, for good: the application is stopping, and Camel is about to stop every route. Does
     * not wait for a scan in progress; {@link HotReload} does.
     */
    public void stop() {
        stopped = true;
    }

    private boolean stopping() {
        return stopped || context.isStopping() || context.isStopped();
    }

    /** Applies what changed in the directory since the last scan; called periodically while the context runs. */
    public synchronized void scan() throws IOException {
        List<Path> present = routeFiles();
        for (Path file : present) {
            if (stopping()) {
                return;
            }
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
            if (stopping()) {
                return;
            }
            if (!present.contains(gone)) {
                remove(gone);
            }
        }
    }

    private void reload(Path file, String content, List<String> previous) {
        List<RouteDefinition> fresh;
        List<TemplatedRouteDefinition> templated;
        try {
            Collection<RoutesBuilder> builders = parse(file);
            FileRoutes parsed = routesOf(builders);
            fresh = parsed.routes();
            templated = parsed.templated();
            checkIds(file, fresh, templated);
            tryOut(routesOf(again(file, builders)).routes());
        } catch (Exception e) {
            String reason = describe(file, e);
            LOG.error("Route file {} not applied, the running routes are unchanged: {}", relative(file), reason);
            status.failed(relative(file), lineOf(e), reasonOf(e));
            files.put(file, new LoadedFile(content, previous));
            return;
        }
        if (stopping()) {
            LOG.info("Route file {} not applied: the application is stopping", relative(file));
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
            // made from the templates the context knows (those of the files as loaded at start); Camel starts them
            model.addRouteFromTemplatedRoutes(templated);
            for (TemplatedRouteDefinition definition : templated) {
                Route made = context.getRoute(definition.getRouteId());
                String from = made == null ? null : made.getEndpoint().getEndpointUri();
                if (made != null && !switches.enabled(context, made.getRouteId(), from)) {
                    context.getRouteController().stopRoute(made.getRouteId());
                }
            }
        } catch (Exception e) {
            LOG.error("Route file {} passed its trial but could not start ({}); restoring the previous routes",
                    relative(file), reasonOf(e), e);
            status.failed(relative(file), null, reasonOf(e));
            restore(model, idsOf(fresh, templated), old);
            files.put(file, new LoadedFile(content, previous));
            return;
        }
        List<String> ids = idsOf(fresh, templated);
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

    private void restore(ModelCamelContext model, List<String> fresh, List<RouteDefinition> old) {
        try {
            for (String id : fresh) {
                if (context.getRoute(id) != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                }
            }
            model.addRouteDefinitions(old);
        } catch (Exception e) {
            LOG.error("Restoring routes {} failed; restart the application", old.stream().map(RouteDefinition::getRouteId)
                    .toList(), e);
        }
    }

    /**
     * Adds a file's routes (a set of their own: adding them changes them) under scratch ids without starting them, so
     * Camel checks them, then removes them.
     */
    private void tryOut(List<RouteDefinition> trial) throws Exception {
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

    private void checkIds(Path file, List<RouteDefinition> definitions, List<TemplatedRouteDefinition> templated) {
        Set<String> seen = new HashSet<>();
        for (RouteDefinition definition : definitions) {
            if (!definition.hasCustomIdAssigned()) {
                throw new RouteFileException(definition.getLineNumber(), "a route without an id (from "
                        + definition.getInput().getEndpointUri() + "): give every route an id"
                        + (isJava(file) ? ", .routeId(\"...\") after from(...)," : "") + " so that a reload knows "
                        + "which running route it replaces");
            }
            checkId(file, definition.getRouteId(), definition.getLineNumber(), seen);
        }
        for (TemplatedRouteDefinition definition : templated) {
            if (definition.getRouteId() == null || definition.getRouteId().isBlank()) {
                throw new RouteFileException(0, "a templated route without a routeId (from "
                        + "template " + definition.getRouteTemplateRef() + "): give every route an id so that a "
                        + "reload knows which running route it replaces");
            }
            // Camel keeps no line number for a templated route
            checkId(file, definition.getRouteId(), 0, seen);
        }
    }

    private void checkId(Path file, String id, int line, Set<String> seen) {
        if (!seen.add(id)) {
            throw new RouteFileException(line, "route id " + id + " appears twice");
        }
        Path owner = fileOf(id);
        if (owner != null && !owner.equals(file)) {
            throw new RouteFileException(line, "route id " + id + " is already defined in " + relative(owner));
        }
        if (owner == null && context.getRoute(id) != null) {
            throw new RouteFileException(line, "route id " + id + " is already used by a route of the application");
        }
    }

    private static List<String> idsOf(List<RouteDefinition> routes, List<TemplatedRouteDefinition> templated) {
        List<String> ids = new ArrayList<>();
        routes.forEach(r -> ids.add(r.getRouteId()));
        templated.forEach(t -> ids.add(t.getRouteId()));
        return ids;
    }

    /** The routes a file defines, and the routes it makes from templates ({@code templatedRoute}). */
    private record FileRoutes(List<RouteDefinition> routes, List<TemplatedRouteDefinition> templated) {
    }

    private FileRoutes routesOf(Collection<RoutesBuilder> builders) throws Exception {
        List<RouteDefinition> definitions = new ArrayList<>();
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteBuilder routeBuilder) {
                definitions.addAll(routeBuilder.configureRoutes(context).getRoutes());
                templated.addAll(routeBuilder.getTemplatedRouteCollection().getTemplatedRoutes());
            }
        }
        return new FileRoutes(definitions, templated);
    }

    /**
     * The route builders of a file, by Camel's loader for its extension. A Java file is compiled: one that does not
     * compile is refused with the line and message of the compiler's first error.
     */
    private Collection<RoutesBuilder> parse(Path file) throws Exception {
        if (isJava(file) && ToolProvider.getSystemJavaCompiler() == null) {
            throw new RouteFileException(0, "a Java route file is compiled as it loads, and this Java runtime has no "
                    + "compiler: run on a JDK, not a JRE, or write the routes in YAML");
        }
        Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + file);
        try {
            return PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
        } catch (Exception e) {
            JavaCompileError error = JavaCompileError.in(e).orElse(null);
            if (error != null) {
                throw new RouteFileException(error.line(), error.reason(), e);
            }
            throw e;
        }
    }

    /**
     * A second set of a file's routes, independent of the first one, for the trial. A YAML file is parsed again; the
     * classes a Java file compiled to are instantiated again, as Camel's loader does, rather than compiled a second
     * time: compiling takes the JDK's compiler a second or more.
     */
    private Collection<RoutesBuilder> again(Path file, Collection<RoutesBuilder> builders) throws Exception {
        if (!isJava(file)) {
            return parse(file);
        }
        List<RoutesBuilder> copies = new ArrayList<>();
        for (RoutesBuilder builder : builders) {
            RoutesBuilder copy = context.getInjector().newInstance(builder.getClass());
            CamelContextAware.trySetCamelContext(copy, context);
            if (builder instanceof ResourceAware aware) {
                ResourceAware.trySetResource(copy, aware.getResource());
            }
            copies.add(copy);
        }
        return copies;
    }

    private static boolean isJava(Path file) {
        return file.getFileName().toString().endsWith(".java");
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
    public static String reasonOf(Throwable e) {
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
