package dev.submitworker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layout the code must keep: a core of plain Java, adapters around it, no package cycles. */
@AnalyzeClasses(packages = "dev.submitworker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule theCoreIsPlainJava = noClasses().that().resideInAPackage("dev.submitworker.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                    "org.apache.flink..", "com.fasterxml.jackson..", "io.fabric8..", "com.networknt..",
                    "io.micrometer..")
            .because("the decisions must be readable and testable without any framework");

    @ArchTest
    static final ArchRule theCoreDependsOnNoAdapter = noClasses().that().resideInAPackage("dev.submitworker.core..")
            .should().dependOnClassesThat().resideOutsideOfPackages("dev.submitworker.core..", "java..", "org.slf4j..")
            .because("adapters depend on the core, never the other way");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.submitworker.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheAppKnowsSpring = noClasses().that()
            .resideOutsideOfPackages("dev.submitworker.app..", "dev.submitworker.kafka..",
                    "dev.submitworker.openapi..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..")
            .because("Spring wires the worker; the Kafka adapter only borrows Spring Kafka's header names; the "
                    + "OpenAPI front is a Spring MVC controller");
}
