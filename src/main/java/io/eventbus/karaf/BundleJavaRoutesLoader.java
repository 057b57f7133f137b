package io.eventbus.karaf;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.dsl.support.RouteBuilderLoaderSupport;
import org.apache.camel.spi.CamelBeanPostProcessor;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.util.FileUtil;

/**
 * Camel's routes loader for {@code *.java} route files in Karaf: compiles the file ({@link BundleJavaCompiler}) and
 * instantiates the {@link RouteBuilder} it declares, as Camel's jOOR loader does on a class path (where
 * {@code eventbus run} uses that one). The class is the file's name in the package the file declares.
 * <p>
 * Bound in the context's registry under {@link #REGISTRY_NAME}, where Camel's routes loader looks for a loader of an
 * extension before those it discovers, so route files, hot reload and its trial go through it unchanged.
 */
final class BundleJavaRoutesLoader extends RouteBuilderLoaderSupport {

    /** The registry name Camel's {@code DefaultRoutesLoader} looks a loader up by: its prefix, then the extension. */
    static final String REGISTRY_NAME = "routes-builder-loader-java";
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private final BundleJavaCompiler compiler;

    BundleJavaRoutesLoader(BundleJavaCompiler compiler) {
        super("java");
        this.compiler = compiler;
    }

    @Override
    protected RouteBuilder doLoadRouteBuilder(Resource resource) throws Exception {
        String source;
        try (InputStream in = resourceInputStream(resource)) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String fileName = FileUtil.stripPath(resource.getLocation());
        Matcher declared = PACKAGE.matcher(source);
        String className = (declared.find() ? declared.group(1) + "." : "") + FileUtil.stripExt(fileName, true);
        Class<?> type = compiler.compile(fileName, className, source);
        if (!RouteBuilder.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(fileName + ": " + className + " does not extend RouteBuilder; a Java "
                    + "route file declares one RouteBuilder class named as the file");
        }
        Object builder = getCamelContext().getInjector().newInstance(type);
        // as Camel's jOOR loader does: fields annotated @BeanInject, @PropertyInject and the like are set
        CamelBeanPostProcessor beans = PluginHelper.getBeanPostProcessor(getCamelContext());
        builder = beans.postProcessBeforeInitialization(builder, className);
        builder = beans.postProcessAfterInitialization(builder, className);
        return (RouteBuilder) builder;
    }
}
