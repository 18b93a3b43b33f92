package org.meltharness.runtime.llamacpp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.meltharness.HarnessException;

/**
 * The GGUF file types of llama.cpp v0.5.0 ({@code enum llama_ftype}) under the names users give them
 * ({@code q4_k_m}), with the ggml type each quantises most tensors to. The {@code _s/_m/_l} K-quant
 * mixes differ in which tensors get more bits (see {@link QuantRules}).
 */
enum Quantization {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0),
    Q6_K(18, GgmlType.Q6_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_1(9, GgmlType.Q5_1),
    Q5_0(8, GgmlType.Q5_0),
    Q4_K_M(15, GgmlType.Q4_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_1(3, GgmlType.Q4_1),
    Q4_0(2, GgmlType.Q4_0),
    Q3_K_L(13, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q2_K(10, GgmlType.Q2_K);

    /** {@code LLAMA_FTYPE_GUESSED}: set in general.file_type by llama.cpp when it inferred the type. */
    private static final int GUESSED = 1024;

    final int fileType;
    final GgmlType defaultType;

    Quantization(int fileType, GgmlType defaultType) {
        this.fileType = fileType;
        this.defaultType = defaultType;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean quantized() {
        return defaultType.quantized();
    }

    static List<String> labels() {
        return Arrays.stream(values()).map(Quantization::label).toList();
    }

    /** The scheme named {@code name} (case-insensitive; {@code q8}, {@code q4}, {@code q4_k} ... as shorthands). */
    static Quantization parse(String name) {
        Quantization q = find(name);
        if (q == null) {
            throw HarnessException.usage("unknown quantisation '" + name + "'; llamacpp knows " + String.join(", ", labels()));
        }
        return q;
    }

    static Quantization find(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        n = switch (n) {
            case "q8" -> "q8_0";
            case "q4" -> "q4_0";
            case "q6" -> "q6_k";
            case "q5" -> "q5_0";
            case "q5_k" -> "q5_k_m";
            case "q4_k" -> "q4_k_m";
            case "q3_k" -> "q3_k_m";
            default -> n;
        };
        for (Quantization q : values()) if (q.label().equals(n)) return q;
        return null;
    }

    /** The file's type by its {@code general.file_type}, else by the type most parameters are stored in. */
    static String fileTypeLabel(GgufFile g) {
        long ft = g.integer("general.file_type", -1);
        if (ft >= 0) {
            long plain = ft & ~GUESSED;
            for (Quantization q : values()) if (q.fileType == plain) return q.label();
            return "ftype" + plain;
        }
        GgmlType t = g.majorityType();
        for (Quantization q : values()) if (q.defaultType == t) return q.label();
        return t.label();
    }
}
