package org.meltharness.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.meltharness.architecture.PackageCycles;

/**
 * No package cycle among the command line's packages and the core's. (That nothing below the command
 * line uses it is the build's to check: the enforcer rule in the parent pom.)
 */
class ArchitectureTest {
    @Test
    void noPackageCycleWithTheCommandLine() {
        JavaClasses classes = PackageCycles.mainClasses();
        assertTrue(classes.containPackage("org.meltharness.cli") && classes.containPackage("org.meltharness.run.eval"),
                "the core's and the command line's classes were imported");
        PackageCycles.check(classes);
    }
}
