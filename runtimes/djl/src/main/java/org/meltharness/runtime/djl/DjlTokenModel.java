package org.meltharness.runtime.djl;

import org.meltharness.runtime.TokenModel;

/** A {@link LlamaModel} with a key/value cache of its own, as the {@link TokenModel} the scorers and generator drive. */
final class DjlTokenModel implements TokenModel, AutoCloseable {
    private final LlamaModel model;
    private final KvCache cache;

    /** Over a fresh cache of its own, closed with it. */
    DjlTokenModel(LlamaModel model, int window) {
        this(model, model.newCache(window));
    }

    DjlTokenModel(LlamaModel model, KvCache cache) {
        this.model = model;
        this.cache = cache;
    }

    @Override
    public int vocabularySize() {
        return model.config().vocab();
    }

    @Override
    public int contextLength() {
        return cache.window();
    }

    @Override
    public void forward(int[] tokens, int start, int firstLogitRow, LogitsSink sink) {
        model.forward(cache, tokens, start, firstLogitRow, sink);
    }

    @Override
    public void close() {
        cache.close();
    }
}
