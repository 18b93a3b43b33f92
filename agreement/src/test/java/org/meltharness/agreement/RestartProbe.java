package org.meltharness.agreement;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meltharness.runtime.Generation;
import org.meltharness.runtime.GenerationRequest;
import org.meltharness.runtime.JvmRestart;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.runtime.ModelInfo;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.Runtime;
import org.meltharness.runtime.RuntimeConfig;
import org.meltharness.runtime.RuntimeProvider;
import org.meltharness.runtime.TokenListener;

/**
 * A runtime that needs a JVM option (a system property) the JVM was not started with, as Jlama needs
 * narrower vectors on AVX-512, so that {@link JvmRelaunchTest} exercises the harness's restart on
 * any CPU. Only used when named; it generates "restarted=VALUE " once a tenth of a second.
 */
public final class RestartProbe implements RuntimeProvider {
    static final String PROPERTY = "harness.test.restarted";

    @Override
    public String name() {
        return "restart-probe";
    }

    @Override
    public String description() {
        return "test runtime that needs -D" + PROPERTY + "=yes";
    }

    @Override
    public List<String> quantizations() {
        return List.of("f32");
    }

    @Override
    public boolean accepts(ModelSource source) {
        return false;
    }

    @Override
    public Optional<JvmRestart> jvmRestart(ModelSource source, String quant) {
        if (System.getProperty(PROPERTY) != null) return Optional.empty();
        return Optional.of(new JvmRestart(List.of("-D" + PROPERTY + "=yes"), "the probe needs it"));
    }

    @Override
    public Runtime open(RuntimeConfig config) {
        ModelInfo info = new ModelInfo(name(), "0", config.model().requested(), "probe", 0, "f32", 0, 1, 1, "none", Map.of());
        return new Runtime() {
            @Override
            public ModelInfo info() {
                return info;
            }

            @Override
            public List<LoglikelihoodResult> loglikelihood(List<LoglikelihoodRequest> requests) {
                throw new UnsupportedOperationException("the probe only generates");
            }

            @Override
            public Generation generate(GenerationRequest request, TokenListener listener) {
                long t0 = System.nanoTime();
                int n = request.maxTokens();
                int[] ids = new int[n];
                long[] at = new long[n];
                for (int i = 0; i < n; i++) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    listener.onToken(i, "restarted=" + System.getProperty(PROPERTY) + " ");
                    at[i] = System.nanoTime() - t0;
                }
                return new Generation("", ids, at, 1, 0, System.nanoTime() - t0, Generation.FinishReason.MAX_TOKENS);
            }

            @Override
            public void close() {}
        };
    }
}
