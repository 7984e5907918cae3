package org.acstokenservice;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rooms of the service and the doors between them: imports run one way, only
 * {@code acs/} touches the Azure SDK, the emulator stands alone, and the shared rooms
 * ({@code web/}, {@code fleet/}, {@code ratelimit/}, {@code tracing/}) know no feature.
 */
class ArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("org.acstokenservice");
	}

	@Test
	void packagesWhenImportedThenNoCycles() {
		slices().matching("org.acstokenservice.(*)..").should().beFreeOfCycles().check(classes);
	}

	@Test
	void azureSdkWhenUsedThenOnlyByAcs() {
		noClasses().that()
			.resideOutsideOfPackage("org.acstokenservice.acs..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("com.azure..")
			.check(classes);
	}

	@Test
	void emulatorWhenBuiltThenUsesNothingOfTheService() {
		noClasses().that()
			.resideInAPackage("org.acstokenservice.emulator..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.acstokenservice.acs..", "org.acstokenservice.admin..",
					"org.acstokenservice.audit..", "org.acstokenservice.fleet..", "org.acstokenservice.identity..",
					"org.acstokenservice.local..", "org.acstokenservice.policy..", "org.acstokenservice.ratelimit..",
					"org.acstokenservice.security..", "org.acstokenservice.token..", "org.acstokenservice.tracing..",
					"org.acstokenservice.web..")
			.check(classes);
	}

	@Test
	void emulatorWhenReachedThenOnlyByLocalModeAndTheLauncher() {
		noClasses().that()
			.resideOutsideOfPackages("org.acstokenservice.emulator..", "org.acstokenservice.local..")
			.and()
			.doNotHaveFullyQualifiedName(AcsTokenServiceApplication.class.getName())
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.acstokenservice.emulator..")
			.check(classes);
	}

	@Test
	void sharedRoomsWhenBuiltThenKnowNoFeature() {
		noClasses().that()
			.resideInAnyPackage("org.acstokenservice.web..", "org.acstokenservice.fleet..",
					"org.acstokenservice.ratelimit..", "org.acstokenservice.tracing..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.acstokenservice.acs..", "org.acstokenservice.admin..",
					"org.acstokenservice.audit..", "org.acstokenservice.identity..", "org.acstokenservice.local..",
					"org.acstokenservice.policy..", "org.acstokenservice.security..", "org.acstokenservice.token..",
					"org.acstokenservice.emulator..")
			.check(classes);
	}

}
