package org.meltharness.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package-cycle rule every module checks on the main classes it can see: each package of
 * {@code org.meltharness} (nested ones on their own) is a slice, and no slice may reach itself again.
 */
public final class PackageCycles {
    private PackageCycles() {}

    /**
     * The main (not test) classes of {@code org.meltharness} on this class path: a module's own
     * classes and those of the modules it depends on, folders or jars (a reactor build puts jars there).
     */
    public static JavaClasses mainClasses() {
        ImportOption mainOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        return new ClassFileImporter().withImportOption(mainOnly).importPackages("org.meltharness");
    }

    /** Fails, naming every cycle's classes and the dependencies that close it, when a cycle exists. */
    public static void check(JavaClasses classes) {
        slices().matching("org.meltharness.(**)").should().beFreeOfCycles().check(classes);
    }
}
