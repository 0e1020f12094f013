package dev.dialectic.localstack.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link TestStack} parameters (constructors, lifecycle and test methods) of {@link WithLocalStack}
 * classes with one stack per test JVM, started on first use and stopped when the test run ends.
 *
 * <p>The broker is a Testcontainers {@code apache/kafka} container where Docker answers, otherwise an
 * single-node KRaft broker as a local process ({@link dev.dialectic.localstack.KafkaBrokerProcess}); both get
 * {@link dev.dialectic.localstack.SingleNodeBrokerConfig#SETTINGS}, so share groups may use lock durations
 * down to 1 s. The registry is the Apicurio Registry server, in memory, as a child process. Environment
 * variables use existing ones instead: {@value SharedTestStack#BOOTSTRAP_SERVERS_ENV} (e.g. the
 * {@code ./dialectic stack}'s {@code localhost:9092}) and {@value SharedTestStack#REGISTRY_URL_ENV}
 * (e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}).
 */
public final class LocalStackExtension implements ParameterResolver {

    // The root context lives for the whole test run of this JVM, so every test class shares one stack; it
    // closes the stack (an AutoCloseable in its store) when the run ends.
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestStack.class;
    }

    @Override
    public TestStack resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedTestStack.class, key -> SharedTestStack.start(), SharedTestStack.class);
    }
}
