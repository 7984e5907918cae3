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
 * An end-to-end test of the running service in local mode with JWT users from the shared
 * {@link TestJwtIssuer}: the supported mix of emulator and JWT sign-in, and no demo
 * users. Otherwise as {@link ServiceTest}. Classes share one context, so each test signs
 * in as users of its own from {@link TestUsers}.
 */
@IntegrationTest
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(locations = ServiceTestConfiguration.PROPERTIES)
@ContextConfiguration(initializers = { LocalModeTestProperties.class, TestJwtIssuer.Initializer.class })
@Import(ServiceTestConfiguration.class)
public @interface JwtServiceTest {

}
