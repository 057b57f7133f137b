package io.eventbus.karaf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;

/**
 * What the JDK's compiler sees as its class path in Karaf: the classes of the packages the framework's bundles
 * export, read through their wirings.
 * <p>
 * The compiler looks classes up through a {@link JavaFileManager}, whose standard one reads {@code java.class.path}:
 * in Karaf that is the launcher's few jars, and no Camel class is on it. Camel's own Java DSL loader (jOOR) builds
 * its class path the same way, from {@code java.class.path} and URL class loaders, and has no other way in; so in
 * Karaf the bus compiles route files itself ({@link BundleJavaCompiler}) with this manager. A package is looked for
 * among the bundles that export it (the highest version when several do), and its {@code .class} entries are listed
 * from that bundle's own content; the platform's packages ({@code java.*}, and the system bundle's) stay with the
 * standard manager. The index of exports is taken once per compilation, as bundles come and go between two.
 */
final class BundleClassPath extends ForwardingJavaFileManager<StandardJavaFileManager> {

    private final Map<String, BundleWiring> exporters;
    private final Map<String, byte[]> compiled = new HashMap<>();

    BundleClassPath(StandardJavaFileManager standard, BundleContext bundles) {
        super(standard);
        this.exporters = exporters(bundles);
    }

    /** The class files the compiler wrote, by binary name. */
    Map<String, byte[]> compiled() {
        return compiled;
    }

    @Override
    public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds,
            boolean recurse) throws IOException {
        BundleWiring exporter = exporters.get(packageName);
        if (location != StandardLocation.CLASS_PATH || exporter == null || !kinds.contains(JavaFileObject.Kind.CLASS)) {
            return super.list(location, packageName, kinds, recurse);
        }
        List<JavaFileObject> classes = new ArrayList<>();
        Collection<String> entries = exporter.listResources("/" + packageName.replace('.', '/'), "*.class",
                BundleWiring.LISTRESOURCES_LOCAL);
        for (String entry : entries) {
            URL url = entryOf(exporter, entry);
            if (url != null) {
                String simpleName = entry.substring(entry.lastIndexOf('/') + 1, entry.length() - ".class".length());
                classes.add(new BundleClassFile(url, packageName + "." + simpleName));
            }
        }
        return classes;
    }

    @Override
    public String inferBinaryName(Location location, JavaFileObject file) {
        return file instanceof BundleClassFile bundled ? bundled.binaryName : super.inferBinaryName(location, file);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
            FileObject sibling) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                kind) {
            @Override
            public OutputStream openOutputStream() {
                return new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        compiled.put(className, toByteArray());
                    }
                };
            }
        };
    }

    /** The bundle's own entry: its class loader could answer with another bundle's copy of an imported package. */
    private static URL entryOf(BundleWiring wiring, String entry) {
        URL own = wiring.getBundle().getEntry(entry);
        return own != null ? own : wiring.getClassLoader().getResource(entry);
    }

    private static Map<String, BundleWiring> exporters(BundleContext bundles) {
        Map<String, BundleWiring> exporters = new HashMap<>();
        Map<String, Version> versions = new HashMap<>();
        for (Bundle bundle : bundles.getBundles()) {
            BundleWiring wiring = bundle.getBundleId() == 0 ? null : bundle.adapt(BundleWiring.class);
            if (wiring == null || !wiring.isInUse()) {
                continue; // the system bundle (the platform's packages) and bundles not resolved
            }
            for (BundleCapability export : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                Map<String, Object> attributes = export.getAttributes();
                String name = (String) attributes.get(PackageNamespace.PACKAGE_NAMESPACE);
                Object declared = attributes.get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
                Version version = declared instanceof Version v ? v : Version.emptyVersion;
                Version best = versions.get(name);
                if (best == null || version.compareTo(best) > 0) {
                    versions.put(name, version);
                    exporters.put(name, wiring);
                }
            }
        }
        return exporters;
    }

    /** A class file inside a bundle, read as the compiler needs it. */
    private static final class BundleClassFile extends SimpleJavaFileObject {

        private final URL url;
        private final String binaryName;

        BundleClassFile(URL url, String binaryName) {
            super(uriOf(url), Kind.CLASS);
            this.url = url;
            this.binaryName = binaryName;
        }

        @Override
        public InputStream openInputStream() throws IOException {
            return url.openStream();
        }

        private static URI uriOf(URL url) {
            try {
                return url.toURI();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("bundle entry " + url + " is not a URI", e);
            }
        }
    }
}
