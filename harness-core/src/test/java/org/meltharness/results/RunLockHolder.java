package org.meltharness.results;

import java.nio.file.Path;

/** A second process for {@link RunLockTest}: takes a run folder's lock, says so, and holds it until killed. */
public final class RunLockHolder {
    private RunLockHolder() {}

    public static void main(String[] args) throws InterruptedException {
        RunLock lock = RunLock.acquire(Path.of(args[0]), "held", msg -> { });
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }
}
