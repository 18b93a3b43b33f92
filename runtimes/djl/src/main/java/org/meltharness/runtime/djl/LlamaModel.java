package org.meltharness.runtime.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.meltharness.HarnessException;
import org.meltharness.runtime.TokenModel;

/**
 * A Llama-family decoder (Llama 1-3, Mistral, Qwen2) written with DJL NDArray operations, run by
 * PyTorch in float32, as Hugging Face transformers' {@code LlamaForCausalLM} computes it.
 *
 * <p>Weights are held as float32 tensors; the query, key and value projections are concatenated
 * into one matrix (and gate and up into another), which computes the same products in fewer
 * calls. Rotary positions are applied as {@code x * cos + (x R) * sin}, where {@code R} is the
 * signed permutation that rotates halves (its products are exact). Grouped-query attention runs
 * each key/value head against its group of query heads without copying keys.
 */
final class LlamaModel implements AutoCloseable {
    /** Largest piece of a tensor copied at once while loading (a direct buffer holds it). */
    private static final long LOAD_CHUNK_BYTES = 256L << 20;

    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray embed;
    private final NDArray lmHead;
    private final NDArray finalNorm;
    private final List<Layer> layers;
    private final NDArray rotate;
    private final float[] inverseFrequencies;
    private final long parameters;
    private NDArray cos;
    private NDArray sin;
    private int ropeRows;
    // Slices used in every layer, built once: DJL parses an index string on every call.
    private final NDIndex queriesAndKeys;
    private final NDIndex valuesOnly;
    private final NDIndex queriesOnly;
    private final NDIndex keysOnly;
    private final NDIndex gateHalf;
    private final NDIndex upHalf;

    /** One decoder layer's weights; {@code qkvBias} is null when the model has none. */
    private record Layer(NDArray inputNorm, NDArray qkv, NDArray qkvBias, NDArray out, NDArray postNorm, NDArray gateUp,
            NDArray down) {}

    private LlamaModel(LlamaConfig config, NDManager manager, NDArray embed, NDArray lmHead, NDArray finalNorm,
            List<Layer> layers, long parameters) {
        this.config = config;
        this.manager = manager;
        this.embed = embed;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
        this.layers = List.copyOf(layers);
        this.parameters = parameters;
        this.inverseFrequencies = Rope.inverseFrequencies(config.headDim(), config.ropeTheta(), config.ropeScaling());
        int d = config.headDim();
        float[] r = new float[d * d];
        // (x R)[j] = -x[j + d/2] for j < d/2, x[j - d/2] otherwise: transformers' rotate_half.
        for (int j = 0; j < d / 2; j++) {
            r[(j + d / 2) * d + j] = -1f;
            r[j * d + j + d / 2] = 1f;
        }
        this.rotate = manager.create(r, new Shape(d, d));
        int heads = config.heads();
        int kv = config.kvHeads();
        this.queriesAndKeys = new NDIndex().addAllDim().addSliceDim(0, heads + kv);
        this.valuesOnly = new NDIndex().addAllDim().addSliceDim(heads + kv, heads + 2L * kv);
        this.queriesOnly = new NDIndex().addAllDim().addSliceDim(0, heads);
        this.keysOnly = new NDIndex().addAllDim().addSliceDim(heads, heads + kv);
        this.gateHalf = new NDIndex().addAllDim().addSliceDim(0, config.intermediate());
        this.upHalf = new NDIndex().addAllDim().addSliceDim(config.intermediate(), 2L * config.intermediate());
    }

    /** Loads every weight of {@code config}'s layout from {@code weights} as float32, in a manager of its own. */
    static LlamaModel load(Safetensors weights, LlamaConfig c) {
        NDManager manager = NDManager.newBaseManager();
        try {
            Loader l = new Loader(weights, manager);
            int h = c.hidden();
            int d = c.headDim();
            NDArray embed = l.load("model.embed_tokens.weight", c.vocab(), h);
            NDArray lmHead = c.tiedEmbeddings() ? embed : l.load("lm_head.weight", c.vocab(), h);
            NDArray norm = l.load("model.norm.weight", h);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.layers(); i++) {
                String p = "model.layers." + i + ".";
                NDArray qkv = l.concat(l.load(p + "self_attn.q_proj.weight", (long) c.heads() * d, h),
                        l.load(p + "self_attn.k_proj.weight", (long) c.kvHeads() * d, h),
                        l.load(p + "self_attn.v_proj.weight", (long) c.kvHeads() * d, h));
                NDArray bias = !c.qkvBias() ? null : l.concat(l.load(p + "self_attn.q_proj.bias", (long) c.heads() * d),
                        l.load(p + "self_attn.k_proj.bias", (long) c.kvHeads() * d),
                        l.load(p + "self_attn.v_proj.bias", (long) c.kvHeads() * d));
                NDArray gateUp = l.concat(l.load(p + "mlp.gate_proj.weight", c.intermediate(), h),
                        l.load(p + "mlp.up_proj.weight", c.intermediate(), h));
                layers.add(new Layer(l.load(p + "input_layernorm.weight", h), qkv, bias,
                        l.load(p + "self_attn.o_proj.weight", h, (long) c.heads() * d),
                        l.load(p + "post_attention_layernorm.weight", h), gateUp,
                        l.load(p + "mlp.down_proj.weight", h, c.intermediate())));
            }
            return new LlamaModel(c, manager, embed, lmHead, norm, layers, l.parameters);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    LlamaConfig config() {
        return config;
    }

    /** Parameters held (tied embeddings counted once). */
    long parameters() {
        return parameters;
    }

    /** A key/value cache for this model, growing as positions are used, up to {@code window}. */
    KvCache newCache(int window) {
        return new KvCache(manager, config.layers(), config.kvHeads(), config.headDim(), window);
    }

    /**
     * Runs {@code tokens} at positions {@code start, start+1, ...} over {@code cache} (which must
     * hold positions below {@code start}), overwriting the cache from {@code start} on, and hands
     * the logits of rows {@code firstLogitRow..} to {@code sink}. As {@link TokenModel#forward}.
     */
    void forward(KvCache cache, int[] tokens, int start, int firstLogitRow, TokenModel.LogitsSink sink) {
        int[] positions = new int[tokens.length];
        for (int i = 0; i < positions.length; i++) positions[i] = start + i;
        forward(cache, tokens, positions, new int[tokens.length], start, firstLogitRow, sink);
    }

    /**
     * Runs packed sequences that continue one shared prefix: the cache holds the prefix at slots
     * {@code 0..start-1}; row {@code r} runs {@code tokens[r]} at position {@code positions[r]}, its
     * key and value go to slot {@code start + r}, and it attends to the prefix and to the rows of its
     * own sequence up to itself (rows {@code segmentStart[r]..r}). One sequence starting at
     * {@code start} is the ordinary causal case. Logits of rows {@code firstLogitRow..} go to {@code sink}.
     */
    void forward(KvCache cache, int[] tokens, int[] positions, int[] segmentStart, int start, int firstLogitRow,
            TokenModel.LogitsSink sink) {
        int t = tokens.length;
        int end = start + t;
        if (t == 0) return;
        if (start < 0 || end > cache.window()) {
            throw new IllegalArgumentException("slots " + start + ".." + (end - 1) + " exceed the window of "
                    + cache.window());
        }
        int maxPosition = 0;
        for (int p : positions) maxPosition = Math.max(maxPosition, p);
        if (maxPosition >= cache.window()) {
            throw new IllegalArgumentException("position " + maxPosition + " exceeds the window of " + cache.window());
        }
        cache.ensure(end);
        ensureRope(Math.max(end, maxPosition + 1));
        int heads = config.heads();
        int kv = config.kvHeads();
        int g = config.group();
        int d = config.headDim();
        float scale = (float) (1.0 / Math.sqrt(d));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] ids = new long[t];
            for (int i = 0; i < t; i++) {
                if (tokens[i] < 0 || tokens[i] >= config.vocab()) {
                    throw new IllegalArgumentException("token " + tokens[i] + " is outside the vocabulary of " + config.vocab());
                }
                ids[i] = tokens[i];
            }
            NDArray x = embed.get(new NDIndex("{}", manager.create(ids)));
            boolean consecutive = true;
            for (int i = 0; i < t; i++) consecutive &= positions[i] == positions[0] + i;
            NDIndex rows = consecutive ? new NDIndex().addSliceDim(positions[0], positions[0] + t)
                    : new NDIndex("{}", manager.create(java.util.Arrays.stream(positions).asLongStream().toArray()));
            NDArray cosT = cos.get(rows).expandDims(1);
            NDArray sinT = sin.get(rows).expandDims(1);
            NDArray mask = mask(positions, segmentStart, start);
            NDIndex slots = new NDIndex().addSliceDim(start, end);
            NDIndex visible = new NDIndex().addSliceDim(0, end);
            for (int li = 0; li < layers.size(); li++) {
                Layer layer = layers.get(li);
                NDArray qkv = linear(rmsNorm(x, layer.inputNorm()), layer.qkv(), layer.qkvBias())
                        .reshape(t, heads + 2 * kv, d);
                NDArray qk = qkv.get(queriesAndKeys);
                NDArray v = qkv.get(valuesOnly);
                qk = qk.mul(cosT).add(qk.matMul(rotate).mul(sinT));
                NDArray q = qk.get(queriesOnly);
                NDArray k = qk.get(keysOnly);
                cache.keys(li).set(slots, k);
                cache.values(li).set(slots, v);
                NDArray keys = cache.keys(li).get(visible); // [S, kv, d]
                NDArray values = cache.values(li).get(visible);
                // Query head h = j * g + i uses key/value head j, as transformers' repeat_kv.
                NDArray qg = q.reshape(t, kv, g, d).transpose(1, 2, 0, 3).reshape(kv, (long) g * t, d);
                NDArray scores = qg.matMul(keys.transpose(1, 2, 0)).mul(scale); // [kv, g*t, S]
                if (mask != null) scores = scores.reshape(kv, g, t, end).add(mask).reshape(kv, (long) g * t, end);
                NDArray attended = scores.softmax(-1).matMul(values.transpose(1, 0, 2)); // [kv, g*t, d]
                NDArray merged = attended.reshape(kv, g, t, d).transpose(2, 0, 1, 3).reshape(t, (long) heads * d);
                x = x.add(linear(merged, layer.out(), null));
                NDArray gateUp = linear(rmsNorm(x, layer.postNorm()), layer.gateUp(), null);
                NDArray gate = gateUp.get(gateHalf);
                NDArray up = gateUp.get(upHalf);
                x = x.add(linear(gate.mul(Activation.sigmoid(gate)).mul(up), layer.down(), null));
            }
            if (firstLogitRow >= t) return;
            NDArray last = firstLogitRow == 0 ? x : x.get(new NDIndex().addSliceDim(firstLogitRow, t));
            float[] logits = linear(rmsNorm(last, finalNorm), lmHead, null).toFloatArray();
            int vocab = config.vocab();
            float[] row = new float[vocab];
            for (int r = 0; r < t - firstLogitRow; r++) {
                System.arraycopy(logits, r * vocab, row, 0, vocab);
                sink.accept(firstLogitRow + r, row);
            }
        }
    }

    /**
     * The additive attention mask of packed rows over cache slots {@code 0..start+t-1}: 0 where a
     * key is visible (in the shared prefix or earlier in the row's own sequence, and within the
     * sliding window), minus infinity elsewhere; null when every key is visible.
     */
    private NDArray mask(int[] positions, int[] segmentStart, int start) {
        int t = positions.length;
        int s = start + t;
        int window = config.slidingWindow();
        float[] m = new float[t * s];
        boolean any = false;
        for (int r = 0; r < t; r++) {
            int pos = positions[r];
            for (int k = 0; k < s; k++) {
                boolean visible;
                int keyPosition;
                if (k < start) {
                    visible = true;
                    keyPosition = k;
                } else {
                    int row = k - start;
                    visible = row >= segmentStart[r] && row <= r;
                    keyPosition = positions[row];
                }
                if (visible && window > 0 && pos - keyPosition >= window) visible = false;
                if (!visible) {
                    m[r * s + k] = Float.NEGATIVE_INFINITY;
                    any = true;
                }
            }
        }
        return any ? manager.create(m, new Shape(t, s)) : null;
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.mul(variance.add((float) config.rmsEps()).pow(-0.5f)).mul(weight);
    }

    private static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    /** Cos and sin tables covering positions below {@code end}, grown by doubling up to the model's positions. */
    private void ensureRope(int end) {
        if (end <= ropeRows) return;
        int rows = Math.max(end, Math.min(Math.max(2 * ropeRows, 256), Math.max(end, config.maxPositions())));
        NDArray newCos = manager.create(Rope.table(inverseFrequencies, 0, rows, false), new Shape(rows, config.headDim()));
        NDArray newSin = manager.create(Rope.table(inverseFrequencies, 0, rows, true), new Shape(rows, config.headDim()));
        NDScope.unregister(newCos, newSin);
        if (cos != null) {
            cos.close();
            sin.close();
        }
        cos = newCos;
        sin = newSin;
        ropeRows = rows;
    }

    /** Frees the weights and every cache made by {@link #newCache}. */
    @Override
    public void close() {
        manager.close();
    }

    /** Reads tensors as float32 NDArrays, checking names and shapes against the config. */
    private static final class Loader {
        private final Safetensors weights;
        private final NDManager manager;
        private long parameters;

        Loader(Safetensors weights, NDManager manager) {
            this.weights = weights;
            this.manager = manager;
        }

        NDArray load(String name, long... shape) {
            Safetensors.Tensor t = weights.tensors().get(name);
            if (t == null) {
                throw HarnessException.badData("the weights in " + weights.dir() + " lack tensor " + name
                        + " that config.json's " + "layout needs");
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw HarnessException.badData("tensor " + name + " in " + t.file().getFileName() + " has shape "
                        + t.shapeText() + " but config.json implies " + Arrays.toString(shape));
            }
            parameters += t.elements();
            long rows = shape[0];
            long rowBytes = t.elements() / rows * 4;
            long chunkRows = Math.max(1, LOAD_CHUNK_BYTES / rowBytes);
            NDList parts = new NDList();
            try {
                for (long r = 0; r < rows; r += chunkRows) {
                    long to = Math.min(rows, r + chunkRows);
                    ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact((to - r) * rowBytes)).order(ByteOrder.nativeOrder());
                    weights.readRows(t, r, to, buf);
                    long[] partShape = shape.clone();
                    partShape[0] = to - r;
                    parts.add(manager.create(buf.rewind(), new Shape(partShape), DataType.FLOAT32));
                }
                // Copies into memory PyTorch owns, so the direct buffers can go.
                return parts.size() == 1 ? parts.head().duplicate() : NDArrays.concat(parts, 0);
            } finally {
                parts.close();
            }
        }

        NDArray concat(NDArray... arrays) {
            NDList list = new NDList(arrays);
            try {
                return NDArrays.concat(list, 0);
            } finally {
                list.close();
            }
        }
    }
}
