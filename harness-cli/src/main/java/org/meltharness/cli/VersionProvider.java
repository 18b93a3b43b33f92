package org.meltharness.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code harness --version}: the harness build and the JVM it runs on. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        Package pkg = VersionProvider.class.getPackage();
        String v = pkg != null && pkg.getImplementationVersion() != null ? pkg.getImplementationVersion() : "dev";
        return new String[] {
            "melt-harness " + v + " (commit " + System.getProperty("harness.git.commit", "unknown") + ")",
            "Java " + System.getProperty("java.version") + " " + System.getProperty("java.vendor")
        };
    }
}
