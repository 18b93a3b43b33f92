package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.cli.CliRunAccess;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.runtime.LoglikelihoodRequest;
import org.meltharness.runtime.LoglikelihoodResult;
import org.meltharness.task.DocRequests;

/** {@code quantize}: llama.cpp's kernels and rules, against files gguf-py quantised and llama.cpp's known mixes. */
class QuantizeTest {
    @TempDir
    Path dir;

    private Path convertedPad192() {
        Path f32 = dir.resolve("pad192-f32.gguf");
        HfConverter.convert(TestModels.lib(), SharedFiles.stories260kPad192(), f32, GgmlType.F32);
        return f32;
    }

    @Test
    void theSeventyBRuleIsLlamaCppsModelType() {
        assertTrue(Quantizer.seventyB("llama", 80, 64, 8), "Llama-2/3 70B: grouped-query attention");
        assertFalse(Quantizer.seventyB("llama", 80, 64, 64), "LLaMA-1 65B: llama.cpp's LLM_TYPE_65B, no attn_v upgrade");
        assertTrue(Quantizer.seventyB("qwen2", 80, 64, 8), "Qwen2-72B");
        assertFalse(Quantizer.seventyB("llama", 32, 32, 8));
        assertFalse(Quantizer.seventyB("mistral", 80, 64, 8));
    }

    @Test
    void pureQ4AndQ8OfConvertedPad192EqualTheShippedFilesAndScoreExactlyAlike() {
        Path f32 = convertedPad192();
        for (String q : List.of("q4_0", "q8_0")) {
            Path mine = dir.resolve("pad192-" + q + ".gguf");
            var r = CliRunAccess.run("quantize", f32.toString(), "--type", q, "--out", mine.toString(), "--pure");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("wrote " + mine + ": " + q + " (pure)"), r.out());
            Path shipped = TestModels.gguf().resolve("stories260K-pad192-" + q + ".gguf");
            GgufCompare.assertSameTensors(shipped, mine);
            List<LoglikelihoodRequest> requests = someRequests();
            List<LoglikelihoodResult> a;
            List<LoglikelihoodResult> b;
            try (LlamaCppRuntime rt = TestModels.open(shipped, dir)) {
                a = rt.loglikelihood(requests);
            }
            try (LlamaCppRuntime rt = TestModels.open(mine, dir)) {
                b = rt.loglikelihood(requests);
                assertEquals(q, rt.info().weightDtype());
                assertEquals(q, rt.info().details().get("melt.quantize.scheme"), rt.info().details().toString());
            }
            for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).logLikelihood(), b.get(i).logLikelihood(), 0.0, q);
        }
    }

    @Test
    void kQuantsOfATinyModelFallBackAsLlamaCppDoes() {
        Path f32 = convertedPad192();
        Path out = dir.resolve("q4km.gguf");
        var r = CliRunAccess.run("quantize", f32.toString(), "--type", "q4_k_m", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        // Rows of 64 are no whole Q4_K block (256): Q4_K falls back to Q5_0, Q6_K to Q8_0; the tied embedding
        // is the output projection, and 64 columns make it Q8_0 at once; attn_v and ffn_down of layers 2 and 4
        // (use_more_bits of 5 layers) want Q6_K and get Q8_0.
        assertEquals(Map.of("f32", 11, "q5_0", 31, "q8_0", 5), GgufFile.read(out).typeHistogram(), r.out());
        assertTrue(r.out().contains("fallback: blk.0.attn_q.weight: q4_K -> q5_0 (rows of 64 are not whole blocks of 256)"),
                r.out());
        try (LlamaCppRuntime rt = TestModels.open(out, dir)) {
            assertEquals("q4_k_m", rt.info().weightDtype());
            assertTrue(rt.loglikelihood(someRequests()).stream().allMatch(x -> Double.isFinite(x.logLikelihood())));
        }
    }

    @Test
    void theUnpaddedModelFallsBackWhereItsRowsDoNotFit() {
        Path f32 = dir.resolve("s.gguf");
        HfConverter.convert(TestModels.lib(), SharedFiles.stories260k(), f32, GgmlType.F32);
        Path out = dir.resolve("s-q4_0.gguf");
        var r = CliRunAccess.run("quantize", f32.toString(), "--type", "q4_0", "--out", out.toString(), "--pure");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Map.of("f32", 11, "q4_0", 31, "f16", 5), GgufFile.read(out).typeHistogram());
        assertTrue(r.out().contains("fallback: blk.0.ffn_down.weight: q4_0 -> f16 (rows of 172"), r.out());
    }

    @Test
    void llamaTwoSevenBMixesHaveTheirKnownTensorCounts() {
        // Llama-2-7B's tensors (32 layers, 4096 wide, 11008 FFN): llama.cpp's own Q4_K_M file reports
        // q4_K 193 / q6_K 33 / f32 65, and Q3_K_M q3_K 129 / q4_K 92 / q5_K 4 / q6_K 1.
        List<GgufFile.Tensor> t = new ArrayList<>();
        t.add(new GgufFile.Tensor("token_embd.weight", new long[] {4096, 32000}, GgmlType.F16, 0, 0));
        for (int l = 0; l < 32; l++) {
            String b = "blk." + l + ".";
            t.add(new GgufFile.Tensor(b + "attn_norm.weight", new long[] {4096}, GgmlType.F32, 0, 0));
            for (String m : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                t.add(new GgufFile.Tensor(b + m + ".weight", new long[] {4096, 4096}, GgmlType.F16, 0, 0));
            }
            t.add(new GgufFile.Tensor(b + "ffn_norm.weight", new long[] {4096}, GgmlType.F32, 0, 0));
            t.add(new GgufFile.Tensor(b + "ffn_gate.weight", new long[] {4096, 11008}, GgmlType.F16, 0, 0));
            t.add(new GgufFile.Tensor(b + "ffn_up.weight", new long[] {4096, 11008}, GgmlType.F16, 0, 0));
            t.add(new GgufFile.Tensor(b + "ffn_down.weight", new long[] {11008, 4096}, GgmlType.F16, 0, 0));
        }
        t.add(new GgufFile.Tensor("output_norm.weight", new long[] {4096}, GgmlType.F32, 0, 0));
        t.add(new GgufFile.Tensor("output.weight", new long[] {4096, 32000}, GgmlType.F16, 0, 0));
        QuantRules.Model m = new QuantRules.Model(32, 32, 32, true, false);
        assertEquals(Map.of("q4_K", 193, "q6_K", 33, "f32", 65), histogram(QuantRules.decide(t, Quantization.Q4_K_M, false, m)));
        assertEquals(Map.of("q3_K", 129, "q4_K", 92, "q5_K", 4, "q6_K", 1, "f32", 65),
                histogram(QuantRules.decide(t, Quantization.Q3_K_M, false, m)));
        assertEquals(Map.of("q4_0", 226, "f32", 65), histogram(QuantRules.decide(t, Quantization.Q4_0, true, m)));
        assertEquals(Map.of("q4_0", 225, "q6_K", 1, "f32", 65), histogram(QuantRules.decide(t, Quantization.Q4_0, false, m)));
        assertEquals(Map.of("q8_0", 226, "f32", 65), histogram(QuantRules.decide(t, Quantization.Q8_0, false, m)));
    }

    @Test
    void badQuantisationRequestsAreOneLine() throws Exception {
        var unknown = CliRunAccess.run("quantize", TestModels.f32().toString(), "--type", "q7_k", "--out",
                dir.resolve("x.gguf").toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("harness: unknown quantisation 'q7_k'; llamacpp knows f32, f16, bf16, q8_0"),
                unknown.err());
        var requant = CliRunAccess.run("quantize", TestModels.q4().toString(), "--type", "q8_0", "--out",
                dir.resolve("y.gguf").toString());
        assertEquals(4, requant.exitCode(), requant.err());
        assertTrue(requant.err().contains("is already quantised"), requant.err());
        Path text = java.nio.file.Files.writeString(dir.resolve("t.gguf"), "not a model at all, just some text");
        var notGguf = CliRunAccess.run("quantize", text.toString(), "--type", "q8_0", "--out", dir.resolve("z.gguf").toString());
        assertEquals(3, notGguf.exitCode(), notGguf.err());
        assertEquals(1, notGguf.err().lines().count(), notGguf.err());
    }

    private static Map<String, Integer> histogram(Map<String, QuantRules.Decision> d) {
        Map<String, Integer> h = new java.util.TreeMap<>();
        for (QuantRules.Decision x : d.values()) h.merge(x.to().ggmlName, 1, Integer::sum);
        return h;
    }

    static List<LoglikelihoodRequest> someRequests() {
        LmEvalOracle.Run run = LmEvalOracle.runs().stream().filter(r -> r.name().equals("arc_easy-0shot")).findFirst()
                .orElseThrow();
        List<LoglikelihoodRequest> out = new ArrayList<>();
        for (DocRequests d : LmEvalOracle.ourRequests(run).subList(0, 5)) {
            for (DocRequests.Request r : d.requests()) out.add(new LoglikelihoodRequest(r.context(), r.continuation()));
        }
        return out;
    }
}
