package org.meltharness.device;

/**
 * Runs {@code eval} or {@code bench} on another machine ({@code --device}): the devices module
 * implements it and lists it in {@code META-INF/services}, as runtimes list their providers. It
 * lives outside the core so that the core carries no SSH library and no device logic.
 */
public interface DeviceRunner {
    /** Runs the command on the device and returns its exit code; fails with a HarnessException saying why it cannot. */
    int run(DeviceRequest request);
}
