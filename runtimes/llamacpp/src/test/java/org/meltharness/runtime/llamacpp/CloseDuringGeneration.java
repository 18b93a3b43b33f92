package org.meltharness.runtime.llamacpp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.meltharness.runtime.GenerationRequest;

/**
 * A main for a child JVM (LlamaCppProcessTest): closes the runtime from another thread while a
 * generation is under way, as {@code serve}'s shutdown hook does on Ctrl-C, and prints how the
 * generation ended. Without the guard the next {@code llama_decode} runs on a freed context.
 */
public final class CloseDuringGeneration {
    private CloseDuringGeneration() {}

    public static void main(String[] args) throws Exception {
        Path cache = Files.createTempDirectory("melt-close-test");
        LlamaCppRuntime rt = TestModels.open(TestModels.f32(), cache);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] tokens = {0};
        Thread worker = Thread.ofPlatform().start(() -> {
            try {
                rt.generate(new GenerationRequest("Once upon a time", 400, 0.0, 0, false, List.of()), (id, text) -> {
                    if (++tokens[0] != 10) return;
                    Thread.ofPlatform().start(() -> {
                        rt.close();
                        closed.countDown();
                    });
                    try {
                        closed.await(); // the worker's next step runs after the context was freed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                System.out.println("generation finished after " + tokens[0] + " tokens");
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.join();
        Throwable t = failure.get();
        System.out.println("generation ended after " + tokens[0] + " tokens: "
                + (t == null ? "normally" : t.getClass().getSimpleName() + ": " + t.getMessage()));
    }
}
