package dev.etcdspring.autoconfigure;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package dependencies of the design (shared/DESIGN.md) across the modules: config → autoconfigure → core, and
 * no cycle among {@code dev.etcdspring}'s top-level packages ({@code core}, {@code autoconfigure}, {@code config}
 * and whatever is added beside them); the Boot integration uses the core's public API only, never its
 * implementation ({@code core.internal}, {@code core.v2}, {@code core.v3}). The core's own rules (no Spring Boot,
 * the protocols apart, no cycle below its public package, nothing internal in its public API) are the core's
 * {@code CoreArchitectureTest}. Main classes only: not the tests, nor the core's test-jar harness.
 */
class EtcdArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The core's test-jar (the real-etcd harness) is on the test class path as a jar, which
            // DO_NOT_INCLUDE_TESTS does not recognise.
            .withImportOption((location) -> !location.contains("-tests.jar"))
            .importPackages("dev.etcdspring");
    }

    @Test
    void theClassesOfTheCoreAndOfThisModuleAreImported() {
        assertThat(classes.containPackage("dev.etcdspring.core")).isTrue();
        assertThat(classes.containPackage("dev.etcdspring.core.v3")).isTrue();
        assertThat(classes.containPackage("dev.etcdspring.autoconfigure")).isTrue();
        assertThat(classes.containPackage("dev.etcdspring.config")).isTrue();
        assertThat(classes.containPackage("dev.etcdspring.test")).as("the test harness").isFalse();
        assertThat(classes.contain(EtcdArchitectureTest.class)).as("the tests").isFalse();
    }

    @Test
    void autoconfigureDoesNotDependOnConfig() {
        noClasses().that()
            .resideInAPackage("dev.etcdspring.autoconfigure..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.etcdspring.config..")
            .check(classes);
    }

    @Test
    void noCycleAmongTheTopLevelPackages() {
        slices().matching("dev.etcdspring.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void nothingOutsideTheCoreReachesIntoItsImplementation() {
        noClasses().that()
            .resideOutsideOfPackage("dev.etcdspring.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.etcdspring.core.internal..", "dev.etcdspring.core.v2..", "dev.etcdspring.core.v3..")
            .check(classes);
    }
}
