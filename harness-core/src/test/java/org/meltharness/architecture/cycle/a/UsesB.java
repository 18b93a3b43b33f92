package org.meltharness.architecture.cycle.a;

/** Fixture: half of a package cycle, for the rule's own test. */
public final class UsesB {
    private UsesB() {}

    public static int b() {
        return org.meltharness.architecture.cycle.b.UsesA.a() + 1;
    }
}
