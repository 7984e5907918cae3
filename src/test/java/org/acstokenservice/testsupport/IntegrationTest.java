package org.acstokenservice.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test of the second tier: it starts the application, another JVM, a PostgreSQL server
 * or an ACS emulator that the real SDK reaches over HTTPS. Failsafe runs these in
 * {@code ./mvnw verify}; {@code ./mvnw test}, the fast loop between edits, leaves them
 * out. {@code TestTiersTests} checks that no test starts such a thing without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {

	/** The JUnit tag that surefire excludes and failsafe includes (see pom.xml). */
	String TAG = "integration";

}
