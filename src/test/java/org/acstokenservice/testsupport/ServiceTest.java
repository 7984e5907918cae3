package org.acstokenservice.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * An end-to-end test of the running service in local mode, signing in as the demo users
 * ({@code alice}, {@code bob}, {@code admin} over HTTP Basic): the real SDK talks HTTPS
 * to the embedded emulator. Test classes with this annotation and no other configuration
 * share one context, and so one database and emulator; a class that needs other
 * properties adds {@code @TestPropertySource} and gets a context of its own.
 * <p>
 * The shared configuration is generous with limits (rate limit and failed sign-ins), so
 * that classes do not spend each other's allowance, and carries the settings of
 * {@link ServiceTestConfiguration}. Tests inject {@link ServiceClient} and
 * {@link MutableClock}.
 */
@IntegrationTest
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = ServiceTestConfiguration.PROPERTIES)
@ContextConfiguration(initializers = LocalModeTestProperties.class)
@Import(ServiceTestConfiguration.class)
public @interface ServiceTest {

}
