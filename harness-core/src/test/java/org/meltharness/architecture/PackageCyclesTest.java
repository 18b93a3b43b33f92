package org.meltharness.architecture;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** No package of the core reaches itself again through others (results, runtime, tokenize and measure once did). */
class PackageCyclesTest {
    @Test
    void theCoreHasNoPackageCycle() {
        JavaClasses core = PackageCycles.mainClasses();
        assertTrue(core.containPackage("org.meltharness.results") && core.containPackage("org.meltharness.runtime"),
                "the core's classes were imported");
        PackageCycles.check(core);
    }

    @Test
    void aCycleIsFound() {
        // Two fixture packages that use each other: the rule must fail on them, or it checks nothing.
        JavaClasses cyclic = new ClassFileImporter().importClasses(
                org.meltharness.architecture.cycle.a.UsesB.class, org.meltharness.architecture.cycle.b.UsesA.class);
        assertThrows(AssertionError.class, () -> PackageCycles.check(cyclic));
    }
}
