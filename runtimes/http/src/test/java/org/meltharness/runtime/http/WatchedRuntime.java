package org.meltharness.runtime.http;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.meltharness.runtime.DistributionObserver;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenInput;
import org.meltharness.runtime.TokenListener;
import org.meltharness.tokenize.TokenizedPair;

/**
 * A runtime (with token ids) that records how the server uses it: calls of {@code info()} or
 * {@code close()} while a request is inside it, and how many generations ran. A generation of
 * {@link #FAILING} tokens fails inside the engine with a message naming a local path; one of
 * {@link #SLOW} tokens takes {@link #SLOW_MS} first.
 */
final class WatchedRuntime implements Runtime, TokenInput {
    static final int FAILING = 77;
    /** A generation of this many tokens first sleeps {@link #SLOW_MS}: a request slower than an idle timeout. */
    static final int SLOW = 79;
    static final long SLOW_MS = 3_000;

    private final Runtime inner;
    private final AtomicBoolean busy = new AtomicBoolean();
    final AtomicInteger infoWhileBusy = new AtomicInteger();
    final AtomicInteger closedWhileBusy = new AtomicInteger();
    final AtomicInteger generations = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();

    WatchedRuntime(Runtime inner) {
        this.inner = inner;
    }

    @Override
    public ModelInfo info() {
        if (busy.get()) infoWhileBusy.incrementAndGet();
        return inner.info();
    }

    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
        return loglikelihood(requests, null);
    }

    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests, DistributionObserver observer) {
        busy.set(true);
        try {
            return inner.loglikelihood(requests, observer);
        } finally {
            busy.set(false);
        }
    }

    @Override
    public List<LoglikelihoodResult> loglikelihoodTokens(List<TokenizedPair> pairs, DistributionObserver observer) {
        busy.set(true);
        try {
            return ((TokenInput) inner).loglikelihoodTokens(pairs, observer);
        } finally {
            busy.set(false);
        }
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        throw new AssertionError("serve generates from token ids on a runtime that takes them");
    }

    @Override
    public Generation generateTokens(int[] prompt, GenerationRequest request, TokenListener listener) {
        busy.set(true);
        generations.incrementAndGet();
        try {
            if (request.maxTokens() == SLOW) {
                try {
                    Thread.sleep(SLOW_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (request.maxTokens() == FAILING) {
                throw new IllegalStateException("failed reading /home/someone/models/secret/model.safetensors");
            }
            return ((TokenInput) inner).generateTokens(prompt, request, listener);
        } finally {
            busy.set(false);
        }
    }

    @Override
    public void close() {
        if (busy.get()) closedWhileBusy.incrementAndGet();
        closed.set(true);
        inner.close();
    }
}
