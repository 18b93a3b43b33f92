package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.safetensors.DType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meltharness.HarnessException;

/**
 * What {@code --quant} and the runtime options mean for one model folder: which weights Jlama
 * loads and with which dtypes. What works on Jlama 0.8.4 (checked by this module's tests):
 *
 * <ul>
 *   <li>f32: F32 weights, F32 activations. A BF16 model is widened into the cache first, because
 *       Jlama never widens a tensor while loading.
 *   <li>bf16: BF16 weights with F32 working memory; an F32 model is narrowed while loading (Jlama
 *       does that). BF16 working memory fails in Jlama, so it is not offered.
 *   <li>q4: Jlama Q4 weights, quantised ahead of time into the cache (quantising while loading works
 *       too but gives other weights than Jlama's own quantiser); I8 activations by default, F32
 *       with {@code activations=f32}. Jlama itself falls back to F32 activations when the hidden
 *       size is too small for its I8 kernels; the activations used are recorded.
 *   <li>q8: refused. Jlama 0.8.4 writes I8 weights but has no matrix kernel for them.
 * </ul>
 *
 * @param quant the weight format used: f32, bf16 or q4
 * @param weights where the weights come from
 * @param workingQuant the activation dtype asked of Jlama
 * @param loadQuant the dtype Jlama converts weights to while loading, if any
 * @param ops the tensor operations asked for, or null for Jlama's choice
 */
record QuantPlan(String quant, Weights weights, DType workingQuant, Optional<DType> loadQuant, String ops) {
    static final List<String> QUANTS = List.of("f32", "bf16", "q8", "q4");
    static final String Q8_REFUSAL = "jlama 0.8.4 cannot run Q8 weights: it quantises them (SafeTensorSupport.quantizeModel "
            + "to I8) but has no matrix product for I8 weights (F32 x I8 and I8 x I8 throw UnsupportedOperationException); "
            + "use --quant q4, or --runtime llamacpp";
    private static final Set<String> OPTIONS = Set.of("activations", "ops", JlamaRuntime.SCORING);

    /** Where the weights Jlama maps come from. */
    enum Weights {
        AS_STORED,
        Q4_CACHE,
        F32_CACHE
    }

    /**
     * @param quant the format asked for; null or blank for the model's own (bf16 for a BF16 model,
     *     q4 for a Jlama Q4 folder, else f32)
     * @param stored the dtype most tensors are stored in (safetensors spelling)
     */
    static QuantPlan of(String quant, String stored, Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw HarnessException.usage("jlama has no runtime option '" + key + "'; it has activations=f32|i8, "
                        + "ops=native|panama and scoring=shared-prefix|none");
            }
        }
        String activations = option(options, "activations", List.of("f32", "i8"));
        String ops = option(options, "ops", List.of(JlamaEngine.NATIVE, JlamaEngine.PANAMA));
        if (stored.equals("I8")) throw HarnessException.unsupportedModel(Q8_REFUSAL);
        boolean storedQ4 = stored.equals("Q4");
        if (!Set.of("F32", "F16", "BF16", "Q4").contains(stored)) {
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot run weights stored as " + stored
                    + "; it runs F32, F16, BF16 and its own Q4");
        }
        String q = quant == null || quant.isBlank() ? (stored.equals("BF16") ? "bf16" : storedQ4 ? "q4" : "f32")
                : quant.strip().toLowerCase(Locale.ROOT);
        if (!QUANTS.contains(q)) {
            throw HarnessException.usage("jlama offers --quant " + String.join(", ", QUANTS) + "; not '" + quant + "'");
        }
        if (q.equals("q8")) throw HarnessException.unsupportedModel(Q8_REFUSAL);
        if (storedQ4 && !q.equals("q4")) {
            throw HarnessException.unsupportedModel("this folder holds Jlama Q4 weights, which cannot be widened back; "
                    + "use --quant q4, or the original weights");
        }
        if ("i8".equals(activations) && !q.equals("q4")) {
            throw HarnessException.usage("activations=i8 needs --quant q4: jlama quantises activations only against "
                    + "Q4 weights");
        }
        return switch (q) {
            case "f32" -> new QuantPlan(q, stored.equals("BF16") ? Weights.F32_CACHE : Weights.AS_STORED, DType.F32,
                    Optional.empty(), ops);
            case "bf16" -> new QuantPlan(q, Weights.AS_STORED, DType.F32,
                    stored.equals("BF16") ? Optional.empty() : Optional.of(DType.BF16), ops);
            default -> new QuantPlan(q, storedQ4 ? Weights.AS_STORED : Weights.Q4_CACHE,
                    "f32".equals(activations) ? DType.F32 : DType.I8, Optional.empty(), ops);
        };
    }

    boolean q4() {
        return quant.equals("q4");
    }

    private static String option(Map<String, String> options, String key, List<String> allowed) {
        String v = options.get(key);
        if (v == null) return null;
        String norm = v.strip().toLowerCase(Locale.ROOT);
        if (!allowed.contains(norm)) {
            throw HarnessException.usage("jlama option " + key + "=" + v + " is not one of " + String.join(", ", allowed));
        }
        return norm;
    }
}
