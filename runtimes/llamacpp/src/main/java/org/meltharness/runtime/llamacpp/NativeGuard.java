package org.meltharness.runtime.llamacpp;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.meltharness.HarnessException;

/**
 * Keeps native memory alive while it is in use: every call into a model or one of its contexts runs
 * under the read lock, and freeing one takes the write lock, so a close from another thread (Ctrl-C
 * during {@code serve}) waits for the call in progress and later calls fail with one line instead
 * of touching freed memory. One guard is shared by a model and its contexts: a context's work reads
 * the model's weights, so neither may be freed under it.
 */
final class NativeGuard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Enters a call on an object whose closed flag is {@code closed}; pair with {@link #exit}. */
    void enter(boolean closed, String what) {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw closedError(what);
        }
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Runs {@code free} when no call is in progress. */
    void exclusive(Runnable free) {
        lock.writeLock().lock();
        try {
            free.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    static HarnessException closedError(String what) {
        return new HarnessException(HarnessException.INTERRUPTED, "the llama.cpp " + what + " was closed while a request "
                + "still used it (the process is shutting down)");
    }
}
