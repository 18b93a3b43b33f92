package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.oracle.LmEvalOracle;
import org.meltharness.tokenize.HfTokenizer;

/** {@code convert}: Hugging Face folders to GGUF, checked against files written by gguf-py and the HF tokenizer. */
class ConvertTest {
    @TempDir
    Path dir;

    /** Texts with spaces, digits, punctuation, newlines and non-ASCII, and the oracle's real prompts. */
    static List<String> texts() {
        List<String> t = new java.util.ArrayList<>(List.of("Once upon a time", " leading space", "two  spaces",
                "digits 12345 and 3.14", "new\nlines\n\nand\ttabs", "caf\u00e9 na\u00efve \u00fcber \u4e2d\u6587 \uD83D\uDE80",
                "Question: What is 2+2?\nAnswer: 4", "   ", "'s 're 've 'll"));
        for (var tok : LmEvalOracle.tokens()) {
            if (tok.has("text")) t.add(tok.get("text").asText());
        }
        return t;
    }

    @Test
    void convertedStoriesEqualsTheGgufPyFileTensorForTensor() {
        Path out = dir.resolve("s.gguf");
        HfConverter.Result r = HfConverter.convert(TestModels.lib(), SharedFiles.stories260k(), out, GgmlType.F32);
        assertEquals(47, r.tensors());
        GgufCompare.assertSameTensors(TestModels.f32(), out);
        GgufFile a = GgufFile.read(out);
        GgufFile e = GgufFile.read(TestModels.f32());
        for (String key : List.of("general.architecture", "llama.context_length", "llama.embedding_length",
                "llama.block_count", "llama.feed_forward_length", "llama.rope.dimension_count", "llama.attention.head_count",
                "llama.attention.head_count_kv", "llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base",
                "llama.vocab_size", "general.file_type", "tokenizer.ggml.model", "tokenizer.ggml.tokens",
                "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token")) {
            assertEquals(e.metadata().get(key), a.metadata().get(key), key);
        }
        // Same tokens from the converted vocabulary (scores from merge ranks) as from tok512.bin's scores,
        // and as from the Hugging Face tokenizer.
        try (LlamaModel converted = LlamaModel.load(TestModels.lib(), out, true); LlamaModel shipped = LlamaModel.load(TestModels.lib(), TestModels.f32(), true);
                HfTokenizer hf = HfTokenizer.load(SharedFiles.stories260k())) {
            LlamaTokenizer c = new LlamaTokenizer(converted);
            LlamaTokenizer s = new LlamaTokenizer(shipped);
            for (String text : texts()) {
                assertArrayEquals(s.encode(text), c.encode(text), text);
                assertArrayEquals(hf.encode(text), c.encode(text), text);
            }
        }
    }

    @Test
    void halfPrecisionFilesLoadAndStayClose() throws Exception {
        Path f16 = dir.resolve("f16.gguf");
        Path bf16 = dir.resolve("bf16.gguf");
        HfConverter.convert(TestModels.lib(), SharedFiles.stories260k(), f16, GgmlType.F16);
        HfConverter.convert(TestModels.lib(), SharedFiles.stories260k(), bf16, GgmlType.BF16);
        assertEquals(java.util.Map.of("f32", 11, "f16", 36), GgufFile.read(f16).typeHistogram());
        assertEquals(java.util.Map.of("f32", 11, "bf16", 36), GgufFile.read(bf16).typeHistogram());
        var request = List.of(new org.meltharness.runtime.LoglikelihoodRequest("Once upon a time, there was a little",
                " girl named Lily."));
        double reference;
        try (LlamaCppRuntime rt = TestModels.open(TestModels.f32(), dir)) {
            reference = rt.loglikelihood(request).getFirst().logLikelihood();
        }
        for (Path p : List.of(f16, bf16)) {
            try (LlamaCppRuntime rt = TestModels.open(p, dir)) {
                double ll = rt.loglikelihood(request).getFirst().logLikelihood();
                assertEquals(reference, ll, 0.1, p.getFileName().toString());
                assertTrue(ll != reference, "rounded weights change the result a little");
            }
        }
    }

    @Test
    void theSmolLm2ByteLevelVocabularyMatchesLlamaCppsOwnFile() throws Exception {
        Path shape = TestModels.smollmShape();
        Vocabulary v = Vocabulary.read(shape, 49152);
        GgufFile expected = GgufFile.read(shape.resolve("vocab.gguf"));
        assertEquals("gpt2", v.model());
        assertEquals("smollm", v.pre(), "recognised by the probe hash, as convert_hf_to_gguf.py does");
        assertEquals(expected.metadata().get("tokenizer.ggml.tokens").value(), v.tokens());
        assertEquals(expected.metadata().get("tokenizer.ggml.merges").value(), v.merges());
        List<Object> types = expected.metadata().get("tokenizer.ggml.token_type").asList();
        for (int i = 0; i < types.size(); i++) assertEquals(((Long) types.get(i)).intValue(), v.types()[i], "type " + i);
        assertEquals(1, v.specialIds().get("bos"));
        assertEquals(2, v.specialIds().get("eos"));
        assertEquals(0, v.specialIds().get("unknown"));
        assertEquals(2, v.specialIds().get("padding"));
        assertEquals(false, v.addBos());
        assertEquals(false, v.addEos());
        // A vocabulary-only GGUF of it tokenises as the Hugging Face tokenizer does.
        Path vocabOnly = dir.resolve("vocab.gguf");
        try (GgufWriter w = new GgufWriter(TestModels.lib())) {
            for (String key : List.of("general.architecture")) w.putString(key, "llama");
            w.putU32("llama.block_count", 30);
            w.putU32("llama.context_length", 8192);
            w.putU32("llama.embedding_length", 576);
            w.putU32("llama.feed_forward_length", 1536);
            w.putU32("llama.attention.head_count", 9);
            w.putU32("llama.attention.head_count_kv", 3);
            w.putF32("llama.attention.layer_norm_rms_epsilon", 1e-5);
            v.writeTo(w);
            w.write(vocabOnly);
        }
        try (LlamaModel m = LlamaModel.load(TestModels.lib(), vocabOnly, true); HfTokenizer hf = HfTokenizer.load(shape)) {
            LlamaTokenizer t = new LlamaTokenizer(m);
            for (String text : texts()) assertArrayEquals(hf.encode(text), t.encode(text), text);
        }
    }

    @Test
    void randomWeightsForAShapeFolderThroughTheCommandLine() throws Exception {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        for (Path out : List.of(a, b)) {
            var r = org.meltharness.cli.CliRunAccess.run("convert", "--model", SharedFiles.stories260k().toString(), "--to",
                    "gguf", "--dtype", "f32", "--out", out.toString(), "--weights", "random", "--seed", "7", "--cache-dir",
                    dir.resolve("cache").toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith("wrote " + out + ": llama, 47 tensors"), r.out());
        }
        assertEquals(-1L, Files.mismatch(a, b), "the same seed writes the same file");
        GgufFile g = GgufFile.read(a);
        assertEquals(47, g.tensors().size());
        try (LlamaCppRuntime rt = TestModels.open(a, dir)) {
            var gen = rt.generate(org.meltharness.runtime.GenerationRequest.greedy("Once", 5), (id, d) -> {});
            assertEquals(5, gen.tokens().length);
        }
    }

    @Test
    void ropeOrderIsTheInverseOfTheHuggingFacePermutation() {
        // Hugging Face's permute: w.view(n_head, head_dim/2, 2, n).transpose(1, 2): row h*d + j*d/2 + i <- h*d + 2i + j.
        int heads = 3;
        int headDim = 8;
        int[] order = HfConverter.ropeOrder(heads, headDim);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    int hfRow = h * headDim + j * headDim / 2 + i;
                    int metaRow = h * headDim + 2 * i + j;
                    assertEquals(hfRow, order[metaRow]);
                }
            }
        }
    }
}
