package org.meltharness.architecture.cycle.b;

/** Fixture: the other half of a package cycle, for the rule's own test. */
public final class UsesA {
    private UsesA() {}

    public static int a() {
        return 0;
    }

    public static int viaB() {
        return org.meltharness.architecture.cycle.a.UsesB.b();
    }
}
