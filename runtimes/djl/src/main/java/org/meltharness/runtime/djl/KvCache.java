package org.meltharness.runtime.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer by position ({@code [positions, kv heads, head dim]}, float32).
 * It starts small and doubles as positions are used, up to the window, so a model with a long
 * context costs memory only for the positions actually run.
 */
final class KvCache implements AutoCloseable {
    private static final int INITIAL = 256;

    private final NDManager manager;
    private final int kvHeads;
    private final int headDim;
    private final int window;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int capacity;

    KvCache(NDManager parent, int layers, int kvHeads, int headDim, int window) {
        this.manager = parent.newSubManager();
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.window = window;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    int window() {
        return window;
    }

    int capacity() {
        return capacity;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Makes room for positions below {@code end}, keeping what is stored. */
    void ensure(int end) {
        if (end <= capacity) return;
        int grown = Math.min(window, Math.max(end, Math.max(INITIAL, capacity * 2)));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = grow(keys[l], grown);
            values[l] = grow(values[l], grown);
        }
        capacity = grown;
    }

    private NDArray grow(NDArray old, int rows) {
        NDArray fresh = manager.zeros(new Shape(rows, kvHeads, headDim), DataType.FLOAT32);
        NDScope.unregister(fresh);
        if (old != null) {
            fresh.set(new NDIndex("0:{}", capacity), old);
            old.close();
        }
        return fresh;
    }

    @Override
    public void close() {
        manager.close();
    }
}
