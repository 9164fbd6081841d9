package dev.etcdspring.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's architecture, checked on its compiled classes: it knows nothing of Spring Boot, its packages form no
 * cycle that a new package could join unnoticed, and nothing of a wire protocol ({@code core.v2}, {@code core.v3})
 * or of {@code core.internal} can be reached from its public API.
 */
class CoreArchitectureTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.etcdspring.core");
    }

    @Test
    void importsTheCore() {
        // The rules below hold trivially for no classes: make sure they see the client.
        assertThat(core.contain("dev.etcdspring.core.EtcdTemplate")).isTrue();
        assertThat(core.contain("dev.etcdspring.core.v3.V3Protocol")).isTrue();
    }

    @Test
    void theCoreKnowsNothingOfSpringBootOrSpringCloud() {
        noClasses().that().resideInAPackage("dev.etcdspring.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.boot..", "org.springframework.cloud..",
                    "dev.etcdspring.autoconfigure..", "dev.etcdspring.config..")
            .check(core);
    }

    @Test
    void theWireProtocolsKnowNothingOfEachOther() {
        noClasses().that().resideInAPackage("dev.etcdspring.core.v2..")
            .should().dependOnClassesThat().resideInAPackage("dev.etcdspring.core.v3..")
            .check(core);
        noClasses().that().resideInAPackage("dev.etcdspring.core.v3..")
            .should().dependOnClassesThat().resideInAPackage("dev.etcdspring.core.v2..")
            .check(core);
    }

    @Test
    void theSharedInternalsKnowNoWireProtocol() {
        // core.internal serves both protocols; were it to reach into one, v2 and v3 would be one package in disguise.
        noClasses().that().resideInAPackage("dev.etcdspring.core.internal..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.etcdspring.core.v2..", "dev.etcdspring.core.v3..")
            .check(core);
    }

    @Test
    void thePackagesBelowThePublicApiFormNoCycle() {
        // The public package (dev.etcdspring.core) is the hub every other depends on and that wires them together;
        // among the packages below it there is no cycle.
        SlicesRuleDefinition.slices().matching("dev.etcdspring.core.(*)..").should().beFreeOfCycles()
            .allowEmptyShould(true)
            .check(core.that(com.tngtech.archunit.base.DescribedPredicate.describe("below dev.etcdspring.core",
                    (JavaClass c) -> !c.getPackageName().equals("dev.etcdspring.core"))));
    }

    @Test
    void noWireOrInternalTypeIsReachableFromThePublicApi() {
        assertThat(leaks(core)).as("types of core.v2, core.v3 or core.internal in the public API").isEmpty();
    }

    @Test
    void theLeakCheckFindsAnInternalTypeInAPublicSignature() {
        JavaClasses leaky = new ClassFileImporter().importClasses(dev.etcdspring.core.ArchitectureFixture.class,
                dev.etcdspring.core.ArchitectureFixture.class.getDeclaredClasses()[0]);
        assertThat(leaks(leaky)).containsExactlyInAnyOrder(
                "dev.etcdspring.core.ArchitectureFixture.call() uses dev.etcdspring.core.internal.HttpCall",
                "dev.etcdspring.core.ArchitectureFixture.calls(java.util.List) uses dev.etcdspring.core.internal.HttpCall",
                "dev.etcdspring.core.ArchitectureFixture.protocol has type dev.etcdspring.core.v3.V3Protocol");
    }

    private static List<String> leaks(JavaClasses classes) {
        List<String> leaks = new ArrayList<>();
        for (JavaClass type : classes) {
            if (!isPublicApi(type)) {
                continue;
            }
            Stream.concat(type.getRawSuperclass().stream(), type.getRawInterfaces().stream())
                .filter(CoreArchitectureTest::isHidden)
                .forEach((hidden) -> leaks.add(type.getName() + " extends " + hidden.getName()));
            type.getFields().stream().filter((f) -> exposed(f.getModifiers()))
                .forEach((f) -> involved(f.getType()).filter(CoreArchitectureTest::isHidden)
                    .forEach((hidden) -> leaks.add(f.getFullName() + " has type " + hidden.getName())));
            for (JavaCodeUnit unit : type.getCodeUnits()) {
                if (!exposed(unit.getModifiers())) {
                    continue;
                }
                Stream<JavaType> signature = Stream.concat(Stream.of(unit.getReturnType()),
                        unit.getParameterTypes().stream());
                signature.flatMap(CoreArchitectureTest::involved).filter(CoreArchitectureTest::isHidden)
                    .forEach((hidden) -> leaks.add(unit.getFullName() + " uses " + hidden.getName()));
                unit.getThrowsClause().getTypes().stream().filter(CoreArchitectureTest::isHidden)
                    .forEach((hidden) -> leaks.add(unit.getFullName() + " throws " + hidden.getName()));
            }
        }
        return leaks;
    }

    /** A public type of a public package of the core, and every type it nests is public too. */
    private static boolean isPublicApi(JavaClass type) {
        if (isHidden(type)) {
            return false;
        }
        for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
            if (!c.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static Stream<JavaClass> involved(JavaType type) {
        return type.getAllInvolvedRawTypes().stream();
    }

    private static boolean isHidden(JavaClass type) {
        String p = type.getPackageName();
        return p.startsWith("dev.etcdspring.core.v2") || p.startsWith("dev.etcdspring.core.v3")
                || p.startsWith("dev.etcdspring.core.internal");
    }
}
