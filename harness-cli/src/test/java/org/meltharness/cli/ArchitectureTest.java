package org.meltharness.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.meltharness.architecture.PackageCycles;

/** The command line sits on top: no package cycle through it, and nothing below it reaches into it. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = PackageCycles.mainClasses();

    @Test
    void noPackageCycleWithTheCommandLine() {
        assertTrue(CLASSES.containPackage("org.meltharness.cli") && CLASSES.containPackage("org.meltharness.run.eval"),
                "the core's and the command line's classes were imported");
        PackageCycles.check(CLASSES);
    }

    @Test
    void nothingBelowTheCommandLineUsesIt() {
        noClasses().that().resideOutsideOfPackage("org.meltharness.cli..").should().dependOnClassesThat()
                .resideInAPackage("org.meltharness.cli..").check(CLASSES);
    }
}
