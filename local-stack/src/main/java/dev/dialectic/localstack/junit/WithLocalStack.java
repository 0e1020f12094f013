package dev.dialectic.localstack.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka broker and a real schema registry: declare a {@link TestStack} parameter
 * on its constructor, a {@code @BeforeAll}/{@code @BeforeEach} method or a test method.
 *
 * <p>Both are started once per test JVM, on first use, and shared by every test class; isolate tests with
 * {@link TestStack#uniqueName}. See {@link LocalStackExtension} for what runs and how to point the tests at
 * a broker and registry of your own.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalStackExtension.class)
public @interface WithLocalStack {
}
