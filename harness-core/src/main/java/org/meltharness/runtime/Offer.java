package org.meltharness.runtime;

/**
 * What a runtime offers for one model at one quantisation, weighed when no {@code --runtime} is named.
 *
 * @param runtime the runtime's name
 * @param quant the quantisation it would run, in its own name ({@code q4} is llama.cpp's {@code q4_0})
 * @param exact whether it computes that format as the format defines it; false where its kernels
 *     approximate it (Jlama's Q4 multiplies with 8-bit activations)
 * @param referenceSeconds its wall time on the reference workload (200 arc_easy documents of the
 *     SmolLM2-135M shape at F32 on two threads, docs/PERFORMANCE.md): lower is faster
 */
public record Offer(String runtime, String quant, boolean exact, double referenceSeconds) {}
