package org.meltharness.runtime.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.safetensors.WeightLoader;
import com.github.tjake.jlama.safetensors.tokenizer.Tokenizer;
import com.github.tjake.jlama.tensor.Q4ByteBufferTensor;
import com.github.tjake.jlama.util.JsonSupport;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import org.meltharness.HarnessException;

/**
 * Builds a Jlama model from a model folder, after refusing the shapes Jlama 0.8.4 cannot compute.
 *
 * <p>It does what {@code ModelSupport.loadModel} does, less two things: it passes no Jlama
 * tokenizer (tokens come from the Hugging Face tokenizer; Jlama's would only add ways to fail),
 * and it sets no working directory (which would make Jlama create a temporary folder per load).
 */
final class JlamaLoader {
    private JlamaLoader() {}

    /**
     * Jlama's view of config.json, with {@code max_position_embeddings} raised by
     * {@link #ropeHeadroom}: Jlama 0.8.4 reads its RoPE table {@code 2h} positions beyond the
     * position for key/value head {@code h}, so a table of exactly the model's length throws on the
     * last positions. A longer table holds the same values for every position (RoPE has no learned
     * positions), so the model can run its whole window, as lm-eval's {@code max_length} expects.
     */
    static Config config(ModelFolder folder) {
        ModelSupport.ModelType type = modelType(folder.modelType());
        try {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JsonSupport.om.readTree(
                    folder.dir().resolve("config.json").toFile());
            if (tree.path("max_position_embeddings").canConvertToInt()) {
                tree.put("max_position_embeddings", tree.get("max_position_embeddings").asInt() + ropeHeadroom(tree));
            }
            checkRopeScaling(folder, tree.path("rope_scaling"));
            return JsonSupport.om.treeToValue(tree, type.configClass);
        } catch (HarnessException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw HarnessException.badData("jlama cannot read " + folder.dir().resolve("config.json") + " as a "
                    + folder.modelType() + " config: " + ModelFolder.firstLine(WeightCache.rootCause(e)), e);
        }
    }

    /**
     * Jlama 0.8.4's configs apply {@code rope_scaling} only when its {@code rope_type} is
     * {@code linear} and silently use factor 1 for anything else (Llama 3.x's {@code llama3},
     * {@code dynamic}, {@code yarn}, the legacy {@code type} key), which would score with the wrong
     * frequencies; such models are refused.
     */
    static void checkRopeScaling(ModelFolder folder, com.fasterxml.jackson.databind.JsonNode scaling) {
        if (scaling.isMissingNode() || scaling.isNull()) return;
        String ropeType = scaling.path("rope_type").asText(scaling.path("type").asText("?"));
        if (!"linear".equals(scaling.path("rope_type").asText(null))) {
            throw HarnessException.unsupportedModel("jlama applies rope_scaling of rope_type linear only; "
                    + folder.dir().getFileName() + " asks for '" + ropeType + "' (use --runtime djl or llamacpp)");
        }
    }

    /** Positions the model was trained for, as config.json states them. */
    static int positions(ModelFolder folder) {
        try {
            return JsonSupport.om.readTree(folder.dir().resolve("config.json").toFile()).path("max_position_embeddings").asInt();
        } catch (IOException e) {
            throw HarnessException.badData("cannot read " + folder.dir().resolve("config.json") + ": " + e.getMessage());
        }
    }

    /** Extra RoPE table rows Jlama reads past the last position: two per attention head. */
    static int ropeHeadroom(com.fasterxml.jackson.databind.JsonNode config) {
        return 2 * Math.max(1, config.path("num_attention_heads").asInt(1));
    }

    /**
     * Refuses shapes Jlama computes wrongly or throws on: reductions over lengths that are not whole
     * vectors, Q4 rows that are not whole blocks, and matrix splits that leave rows uncomputed.
     */
    static void checkShapes(Config c, boolean q4, int splits, Path dir) {
        // Jlama's kernels (native and Panama) step through a row 8 floats at a time, 16 with
        // AVX-512, and its MLP refuses lengths that are not multiples of 8 (PanamaTensorOperations.
        // maccumulate); there is no tail loop.
        int lanes = Math.max(8, FloatVector.SPECIES_PREFERRED.length());
        requireMultiple(dir, "hidden_size", c.embeddingLength, lanes, vectorWhy(lanes));
        requireMultiple(dir, "intermediate_size", c.hiddenLength, lanes, vectorWhy(lanes) + "; a copy with the MLP "
                + "zero-padded to a multiple of " + lanes + " computes the same function (as stories260K/hf-pad192 "
                + "pads stories260K/hf's 172 to 192)");
        requireMultiple(dir, "num_attention_heads * head_dim", c.attentionLength, lanes, vectorWhy(lanes));
        if (c.headSize % lanes != 0) {
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot run " + dir + ": head_dim " + c.headSize
                    + " is not a multiple of " + lanes + vectorWhy(lanes)
                    + (lanes > 8 ? "; run the JVM with -XX:MaxVectorSize=32 to use 8-float vectors (./harness does this "
                    + "itself for a local model folder)" : ""));
        }
        if (q4) {
            int block = Q4ByteBufferTensor.BLOCK_SIZE;
            String why = " (Jlama's Q4 packs rows in blocks of " + block + "); use --quant f32 or bf16";
            requireMultiple(dir, "hidden_size", c.embeddingLength, block, why);
            requireMultiple(dir, "intermediate_size", c.hiddenLength, block, why);
            requireMultiple(dir, "num_attention_heads * head_dim", c.attentionLength, block, why);
        }
        int[] lengths = {c.embeddingLength, c.hiddenLength, c.attentionLength, c.kvLength, c.vocabularySize};
        String[] names = {"hidden_size", "intermediate_size", "attention width", "key/value width", "vocab_size"};
        for (int i = 0; i < lengths.length; i++) {
            if (!ThreadSplitOperations.coversAllRows(lengths[i], splits)) {
                throw HarnessException.unsupportedModel("jlama 0.8.4 would leave rows of " + names[i] + " "
                        + lengths[i] + " uncomputed when it splits work " + splits + " ways (one per thread); use "
                        + "another --threads");
            }
        }
    }

    /** Constructs the Jlama model over the weights in {@code weightsDir}, F32 working memory. */
    static AbstractModel build(Path weightsDir, String modelType, Config c, DType workingQ, Optional<DType> modelQ) {
        ModelSupport.ModelType type = modelType(modelType);
        WeightLoader weights;
        try {
            weights = SafeTensorSupport.loadWeights(weightsDir.toFile());
        } catch (RuntimeException e) {
            throw HarnessException.badData("jlama cannot map the weights in " + weightsDir + ": "
                    + ModelFolder.firstLine(WeightCache.rootCause(e)), e);
        }
        try {
            return type.modelClass
                    .getConstructor(AbstractModel.InferenceType.class, Config.class, WeightLoader.class, Tokenizer.class,
                            DType.class, DType.class, Optional.class)
                    .newInstance(AbstractModel.InferenceType.FULL_GENERATION, c, weights, null, DType.F32, workingQ,
                            modelQ);
        } catch (InvocationTargetException e) {
            Throwable cause = WeightCache.rootCause(e);
            if (cause instanceof NoSuchElementException) {
                throw HarnessException.badData(weightsDir + " lacks a tensor jlama's " + modelType + " model needs: "
                        + ModelFolder.firstLine(cause), e);
            }
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot load " + weightsDir + ": "
                    + ModelFolder.firstLine(cause), e);
        } catch (ReflectiveOperationException e) {
            throw HarnessException.internal("jlama's " + modelType + " model class has no expected constructor", e);
        }
    }

    /** The dtype Jlama quantises activations to, as it decided: it overrides the one asked for in several cases. */
    static DType activationDtype(AbstractModel model) {
        try {
            Field f = AbstractModel.class.getDeclaredField("workingQType");
            f.setAccessible(true);
            return (DType) f.get(model);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static ModelSupport.ModelType modelType(String modelType) {
        return ModelSupport.ModelType.valueOf(modelType.toUpperCase(Locale.ROOT));
    }

    private static void requireMultiple(Path dir, String name, int value, int of, String why) {
        if (value % of != 0) {
            throw HarnessException.unsupportedModel("jlama 0.8.4 cannot run " + dir + ": " + name + " " + value
                    + " is not a multiple of " + of + why);
        }
    }

    private static String vectorWhy(int lanes) {
        return " (Jlama computes in whole " + lanes + "-float vectors and rejects or misreads the rest)";
    }
}
