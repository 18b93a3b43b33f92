package org.meltharness.runtime.llamacpp;

import java.util.Locale;

/**
 * The tensor types of ggml 0.25.1 in llama.cpp v0.5.0 ({@code enum ggml_type}): id, block size in
 * elements and bytes per block. Ids 4, 5, 31-33 and 36-38 belong to removed types and are not
 * listed; a file using them cannot be loaded by this build. The values are checked against the
 * library at start-up ({@code ggml_blck_size}, {@code ggml_type_size}, {@code ggml_type_name}).
 */
enum GgmlType {
    F32(0, 1, 4, "f32"),
    F16(1, 1, 2, "f16"),
    Q4_0(2, 32, 18, "q4_0"),
    Q4_1(3, 32, 20, "q4_1"),
    Q5_0(6, 32, 22, "q5_0"),
    Q5_1(7, 32, 24, "q5_1"),
    Q8_0(8, 32, 34, "q8_0"),
    Q8_1(9, 32, 36, "q8_1"),
    Q2_K(10, 256, 84, "q2_K"),
    Q3_K(11, 256, 110, "q3_K"),
    Q4_K(12, 256, 144, "q4_K"),
    Q5_K(13, 256, 176, "q5_K"),
    Q6_K(14, 256, 210, "q6_K"),
    Q8_K(15, 256, 292, "q8_K"),
    IQ2_XXS(16, 256, 66, "iq2_xxs"),
    IQ2_XS(17, 256, 74, "iq2_xs"),
    IQ3_XXS(18, 256, 98, "iq3_xxs"),
    IQ1_S(19, 256, 50, "iq1_s"),
    IQ4_NL(20, 32, 18, "iq4_nl"),
    IQ3_S(21, 256, 110, "iq3_s"),
    IQ2_S(22, 256, 82, "iq2_s"),
    IQ4_XS(23, 256, 136, "iq4_xs"),
    I8(24, 1, 1, "i8"),
    I16(25, 1, 2, "i16"),
    I32(26, 1, 4, "i32"),
    I64(27, 1, 8, "i64"),
    F64(28, 1, 8, "f64"),
    IQ1_M(29, 256, 56, "iq1_m"),
    BF16(30, 1, 2, "bf16"),
    TQ1_0(34, 256, 54, "tq1_0"),
    TQ2_0(35, 256, 66, "tq2_0"),
    MXFP4(39, 32, 17, "mxfp4"),
    NVFP4(40, 64, 36, "nvfp4"),
    Q1_0(41, 128, 18, "q1_0"),
    Q2_0(42, 64, 18, "q2_0");

    final int id;
    final int blockSize;
    final int typeSize;
    final String ggmlName;

    GgmlType(int id, int blockSize, int typeSize, String ggmlName) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.ggmlName = ggmlName;
    }

    /** The type with this id, or null when this build has none. */
    static GgmlType byId(int id) {
        for (GgmlType t : values()) if (t.id == id) return t;
        return null;
    }

    /** Bytes of a row of {@code n} elements; {@code n} must be a multiple of the block size. */
    long rowBytes(long n) {
        if (n % blockSize != 0) throw new IllegalArgumentException(n + " elements are not whole " + this + " blocks");
        return n / blockSize * typeSize;
    }

    boolean quantized() {
        return blockSize > 1;
    }

    /** The lower-case name users see ({@code q4_k}, {@code bf16}). */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
