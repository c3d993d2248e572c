package io.streamaligner.topology.testing;

import io.streamaligner.topology.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests one embedded broker for the whole test run: it starts with the first test that
 * asks for it and stops when the run ends (JUnit closes it with the root context's store). Use it with
 * {@code @ExtendWith(SharedKafkaBroker.class)} and an {@link EmbeddedKafkaBroker} parameter on a test,
 * {@code @BeforeAll} or {@code @BeforeEach} method. Tests share the broker, so each uses its own topics
 * ({@link IntegrationTestUtils#uniqueTopic}) and consumer groups.
 */
public final class SharedKafkaBroker implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedKafkaBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(EmbeddedKafkaBroker.class, key -> EmbeddedKafkaBroker.start(), EmbeddedKafkaBroker.class);
    }
}
