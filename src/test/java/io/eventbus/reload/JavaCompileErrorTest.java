package io.eventbus.reload;

import java.util.Optional;

import org.apache.camel.RuntimeCamelException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compiler's report, as Camel's Java DSL loader passes it on, read into line and reason. */
class JavaCompileErrorTest {

    private static final String REPORT = """
            Compilation error:
            /Forward.java:8: error: cannot find symbol
                            .setHeadr("version", constant("v2"))
                            ^
              symbol:   method setHeadr(String,ValueBuilder)
              location: class RouteDefinition
            /Forward.java:11: error: ';' expected
                    }
                     ^
            Note: /Forward.java uses unchecked or unsafe operations.
            """;

    @Test
    void theFirstErrorGivesLineAndMessageWithoutTheEchoedSource() {
        JavaCompileError error = JavaCompileError.in(new RuntimeCamelException(new IllegalStateException(REPORT)))
                .orElseThrow();

        assertEquals(8, error.line());
        assertEquals("does not compile: cannot find symbol (symbol: method setHeadr(String,ValueBuilder), "
                + "location: class RouteDefinition) (and 1 more error)", error.reason());
    }

    @Test
    void aSingleErrorWithoutDetails() {
        JavaCompileError error = JavaCompileError.in(new IllegalStateException("""
                Compilation error:
                /com/example/Ticks.java:3: error: class, interface, enum, or record expected
                public clas Ticks extends RouteBuilder {
                       ^
                """)).orElseThrow();

        assertEquals(3, error.line());
        assertEquals("does not compile: class, interface, enum, or record expected", error.reason());
    }

    @Test
    void anyOtherFailureIsNoCompileError() {
        assertTrue(JavaCompileError.in(new IllegalStateException("line 3: mapping values are not allowed"))
                .isEmpty());
        assertEquals(Optional.empty(), JavaCompileError.in(new IllegalStateException((String) null)));
    }
}
