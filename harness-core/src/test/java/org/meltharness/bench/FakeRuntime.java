package org.meltharness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.TokenListener;

/**
 * A runtime that answers every prompt with tokens derived from its length, on a test clock that
 * each call moves by a fixed time, and remembers the requests it got.
 */
final class FakeRuntime implements Runtime {
    final List<GenerationRequest> requests = new ArrayList<>();
    private final TestClock clock;
    private final long nanosPerCall;

    FakeRuntime(TestClock clock, long nanosPerCall) {
        this.clock = clock;
        this.nanosPerCall = nanosPerCall;
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo("fake", "0", "/nowhere", "llama", 1, "f32", 4, 512, 32, "words", Map.of());
    }

    @Override
    public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Generation generate(GenerationRequest request, TokenListener listener) {
        requests.add(request);
        int n = request.maxTokens();
        int[] tokens = new int[n];
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (request.prompt().length() + i) % 32;
            nanos[i] = nanosPerCall / 2 + i * (nanosPerCall / 2 / n);
        }
        clock.advance(nanosPerCall);
        return new Generation("reply" + request.prompt().length(), tokens, nanos, request.prompt().length() + 1, nanosPerCall / 2,
                nanosPerCall, Generation.FinishReason.MAX_TOKENS);
    }

    @Override
    public void close() {}
}
