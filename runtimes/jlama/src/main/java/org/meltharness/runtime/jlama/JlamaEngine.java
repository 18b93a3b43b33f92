package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.tensor.operations.TensorOperations;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import java.lang.reflect.Field;
import org.meltharness.HarnessException;

/**
 * Jlama's process-wide settings: its thread pool and its tensor operations are static singletons
 * in Jlama 0.8.4, fixed by the first model a process loads. This class holds no state of its own;
 * it reads Jlama's, so a second model in the same process must ask for the same settings or fails.
 */
final class JlamaEngine {
    static final String NATIVE = "native";
    static final String PANAMA = "panama";
    private static final String FORCE_PANAMA = "jlama.force_panama_tensor_operations";

    private JlamaEngine() {}

    /**
     * What Jlama runs with.
     *
     * @param threads the size of Jlama's thread pool
     * @param ops {@code native} (Jlama's C kernels) or {@code panama} (the Java Vector API)
     * @param operations the name Jlama gives its tensor operations
     */
    record Settings(int threads, String ops, String operations) {}

    /**
     * Sets Jlama's thread count and tensor operations, if this process has not fixed them yet, and
     * returns what Jlama runs with.
     *
     * @param threads 0 for Jlama's default (half the processors, at least 2)
     * @param ops {@code native}, {@code panama}, or null for native when its library loads
     */
    static synchronized Settings configure(int threads, String ops) {
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        if (threads > cpus) {
            throw HarnessException.usage("--threads " + threads + " exceeds the " + cpus + " processors of this machine");
        }
        if (threads > 0) {
            try {
                PhysicalCoreExecutor.overrideThreadCount(threads);
            } catch (IllegalStateException e) {
                // Already started: acceptable if it runs the count asked for (checked below).
            }
        }
        int actualThreads = PhysicalCoreExecutor.instance.get().getCoreCount();
        if (threads > 0 && actualThreads != threads) {
            throw HarnessException.usage("jlama's thread pool is fixed per process and already runs " + actualThreads
                    + " threads; --threads " + threads + " needs a new process");
        }
        if (PANAMA.equals(ops)) System.setProperty(FORCE_PANAMA, "true");
        TensorOperations current = TensorOperationsProvider.get();
        boolean isNative = current instanceof ThreadSplitOperations
                || current.getClass().getSimpleName().equals("NativeSimdTensorOperations");
        String actualOps = isNative ? NATIVE : PANAMA;
        if (ops != null && !ops.equals(actualOps)) {
            throw HarnessException.usage("jlama's tensor operations are fixed per process and this one already uses "
                    + actualOps + (NATIVE.equals(ops) ? " (its native library did not load, or -D" + FORCE_PANAMA
                    + "=true is set)" : "") + "; ops=" + ops + " needs a new process");
        }
        if (isNative && !(current instanceof ThreadSplitOperations)) {
            current = new ThreadSplitOperations(current, actualThreads);
            install(current);
        }
        return new Settings(actualThreads, actualOps, current.name());
    }

    /** The number of pieces Jlama splits each matrix product into. */
    static int splits() {
        return TensorOperationsProvider.get().parallelSplitSize();
    }

    // Jlama 0.8.4 offers no way to choose its operations object: it builds one in a private
    // singleton. Replacing that object's field is the one place this runtime reaches into Jlama.
    private static void install(TensorOperations ops) {
        try {
            Field instance = TensorOperationsProvider.class.getDeclaredField("instance");
            instance.setAccessible(true);
            Field provider = TensorOperationsProvider.class.getDeclaredField("provider");
            provider.setAccessible(true);
            provider.set(instance.get(null), ops);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw HarnessException.internal("cannot correct jlama's native tensor operations (" + e
                    + "); run with --runtime-option ops=panama", e);
        }
        if (TensorOperationsProvider.get() != ops) {
            throw HarnessException.internal("cannot correct jlama's native tensor operations; run with "
                    + "--runtime-option ops=panama", null);
        }
    }
}
