package org.acstokenservice;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.acstokenservice.emulator.AcsEmulator;
import org.acstokenservice.testsupport.Fleet;
import org.acstokenservice.testsupport.IntegrationTest;
import org.acstokenservice.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the fast loop fast: a test that starts the application, another JVM, a PostgreSQL
 * server or the emulator belongs to the second tier ({@link IntegrationTest}), which
 * {@code ./mvnw test} leaves out.
 */
class TestTiersTests {

	private static final DescribedPredicate<JavaClass> INTEGRATION_TESTS = DescribedPredicate
		.describe("integration tests", TestTiersTests::isIntegrationTest);

	private static final DescribedPredicate<JavaMethodCall> STARTS_SOMETHING = DescribedPredicate
		.describe("a start of the application, PostgreSQL or the emulator", TestTiersTests::startsSomething);

	@Test
	void testsWhenStartingTheApplicationOrAProcessThenIntegrationTests() {
		JavaClasses tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
			.importPackages("org.acstokenservice");
		noClasses().that()
			.resideOutsideOfPackage("org.acstokenservice.testsupport..")
			.and(DescribedPredicate.not(INTEGRATION_TESTS))
			.and()
			.doNotHaveFullyQualifiedName(TestTiersTests.class.getName())
			.should()
			.beMetaAnnotatedWith(SpringBootTest.class)
			.orShould()
			.callMethodWhere(STARTS_SOMETHING)
			.orShould()
			.dependOnClassesThat()
			.belongToAnyOf(Fleet.class, ServiceProcess.class)
			.check(tests);
	}

	/** The class, or the test class it is nested in, is of the second tier. */
	private static boolean isIntegrationTest(JavaClass type) {
		JavaClass outermost = type;
		while (outermost.getEnclosingClass().isPresent()) {
			outermost = outermost.getEnclosingClass().get();
		}
		return outermost.isMetaAnnotatedWith(IntegrationTest.class) || outermost.isAnnotatedWith(IntegrationTest.class);
	}

	private static boolean startsSomething(JavaMethodCall call) {
		JavaClass owner = call.getTargetOwner();
		String name = call.getName();
		return ((owner.isEquivalentTo(SpringApplication.class) || owner.isEquivalentTo(SpringApplicationBuilder.class))
				&& name.equals("run")) || (owner.isEquivalentTo(EmbeddedPostgres.class) && name.equals("start"))
				|| (owner.isEquivalentTo(EmbeddedPostgres.Builder.class) && name.equals("start"))
				|| (owner.isEquivalentTo(AcsEmulator.class) && name.equals("start"));
	}

}
