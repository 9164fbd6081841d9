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
 * The package dependencies of the design (shared/DESIGN.md): config → autoconfigure → core, nothing in the core
 * knows Spring Boot, and no package cycle.
 *
 * <p>What is checked among the packages of {@code dev.etcdspring} (the main classes of the core and of this module,
 * not the tests nor the core's test-jar harness {@code dev.etcdspring.test}):
 * <ul>
 * <li>no cycle among the top-level slices {@code dev.etcdspring.(*)..}: {@code core}, {@code autoconfigure},
 * {@code config} and whatever is added beside them;</li>
 * <li>no cycle among the core's sub-packages {@code dev.etcdspring.core.(*)..} ({@code internal},
 * {@code observation}, {@code v2}, {@code v3}, ...). The core's root package is not one of these slices on purpose:
 * the template there hands off to {@code internal}, {@code v2} and {@code v3}, which implement the core's public
 * types ({@code EtcdResponse}, {@code EtcdException}) in return. That is one API with its implementation, not a
 * cycle worth refusing; a cycle between two sub-packages is;</li>
 * <li>the two wire protocols, {@code core.v2} and {@code core.v3}, know nothing of each other;</li>
 * <li>nothing outside the core reaches into its implementation ({@code core.internal}, {@code core.v2},
 * {@code core.v3}): the Boot integration uses the core's public API only.</li>
 * </ul>
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
    void theCoreKnowsNeitherSpringBootNorItsIntegration() {
        noClasses().that()
            .resideInAPackage("dev.etcdspring.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.etcdspring.autoconfigure..", "dev.etcdspring.config..", "org.springframework.boot..",
                    "org.springframework.cloud..")
            .check(classes);
    }

    @Test
    void noCycleAmongTheTopLevelPackages() {
        slices().matching("dev.etcdspring.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noCycleAmongTheCoresSubPackages() {
        slices().matching("dev.etcdspring.core.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theTwoProtocolsDoNotKnowEachOther() {
        noClasses().that()
            .resideInAPackage("dev.etcdspring.core.v2..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.etcdspring.core.v3..")
            .check(classes);
        noClasses().that()
            .resideInAPackage("dev.etcdspring.core.v3..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.etcdspring.core.v2..")
            .check(classes);
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
