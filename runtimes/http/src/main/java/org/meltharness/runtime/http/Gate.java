package org.meltharness.runtime.http;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Bounds the work done for requests before they reach the queue: request bodies held in memory
 * at once (a budget of bytes), and requests parsed, templated and tokenized at once (about one
 * per core). A request that cannot get its share in time is answered 503, as a full queue is.
 */
final class Gate {
    private final long bodyBudget;
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Semaphore preparing;

    Gate(long bodyBudget, int preparers) {
        this.bodyBudget = bodyBudget;
        this.preparing = new Semaphore(preparers, true);
    }

    /** Reserves room for a body of up to {@code bytes}; 503 when the budget is spent. */
    void reserve(long bytes) {
        long now = bodyBytes.addAndGet(bytes);
        if (now > bodyBudget) {
            bodyBytes.addAndGet(-bytes);
            throw new ApiError(503, "server_error", "server_overloaded", null, "the server holds " + bodyBudget
                    + " bytes of request bodies at most, and they are in use; retry after 1 s", 1);
        }
    }

    void release(long bytes) {
        bodyBytes.addAndGet(-bytes);
    }

    /** Runs {@code work} (parsing and tokenizing) among a few at once; 503 after waiting {@code millis} for a turn. */
    <T> T prepare(long millis, Supplier<T> work) {
        boolean got;
        try {
            got = preparing.tryAcquire(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.internal("interrupted");
        }
        if (!got) {
            throw new ApiError(503, "server_error", "server_overloaded", null,
                    "too many requests are being read at once; retry after 1 s", 1);
        }
        try {
            return work.get();
        } finally {
            preparing.release();
        }
    }
}
