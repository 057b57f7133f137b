package io.eventbus.karaf;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.osgi.framework.BundleContext;

/**
 * Compiles one Java route file in Karaf with the JDK's compiler, against the classes the bundles export
 * ({@link BundleClassPath}), and loads what it compiled in a class loader of its own whose parent is the bus's
 * bundle loader (which imports every exported package dynamically, as the route's code needs them).
 * <p>
 * A file that does not compile fails with the report the JDK's command-line compiler prints ({@code Compilation
 * error:}, then {@code /Name.java:LINE: error: MESSAGE} per error), the text Camel's own Java DSL loader throws, so
 * that hot reload refuses it with its file and line either way.
 */
final class BundleJavaCompiler {

    private static final List<String> OPTIONS = List.of("-g", "-proc:none");

    private final BundleContext bundles;
    private final ClassLoader parent;

    BundleJavaCompiler(BundleContext bundles, ClassLoader parent) {
        this.bundles = bundles;
        this.parent = parent;
    }

    /**
     * The class {@code className} compiled from {@code source}, the text of the file {@code fileName}.
     *
     * @throws IllegalStateException with the compiler's report when it does not compile, or when this Java runtime
     *                               has no compiler
     */
    Class<?> compile(String fileName, String className, String source) throws ClassNotFoundException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("a Java route file is compiled as it loads, and Karaf runs on a Java "
                    + "runtime without a compiler: run it on a JDK, or write the routes in YAML");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        BundleClassPath classPath = new BundleClassPath(compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                null), bundles);
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + fileName),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        boolean compiled = compiler.getTask(null, classPath, diagnostics, OPTIONS, null, List.of(file)).call();
        if (!compiled) {
            throw new IllegalStateException(report(diagnostics.getDiagnostics()));
        }
        return new CompiledClasses(classPath.compiled(), parent).loadClass(className);
    }

    private static String report(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        StringJoiner report = new StringJoiner("\n", "Compilation error:\n", "");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                String file = d.getSource() == null ? "" : d.getSource().getName();
                report.add(file + ":" + d.getLineNumber() + ": error: " + d.getMessage(Locale.ROOT));
            }
        }
        return report.toString();
    }

    /** The classes one route file compiled to (itself, its nested and anonymous classes). */
    private static final class CompiledClasses extends ClassLoader {

        private final Map<String, byte[]> classes;

        CompiledClasses(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
