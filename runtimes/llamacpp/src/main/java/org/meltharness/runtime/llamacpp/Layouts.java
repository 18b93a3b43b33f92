package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The C structs of llama.cpp v0.5.0 ({@code include/llama.h}, {@code ggml.h}, {@code gguf.h} of the
 * source that node-llama-cpp 3.22.1 ships in {@code llama/gitRelease.bundle}) on 64-bit Linux and
 * macOS. {@link BuildCheck} compares them with what the loaded library writes before anything else
 * is called. Offsets are taken from the layouts by field name ({@link #offset}), never written by hand.
 */
final class Layouts {
    private Layouts() {}

    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            ADDRESS.withName("tensor_buft_overrides"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("load_mode"),
            JAVA_INT.withName("lazy_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("check_tensors"),
            JAVA_BOOLEAN.withName("use_extra_bufts"),
            JAVA_BOOLEAN.withName("no_host"),
            JAVA_BOOLEAN.withName("no_alloc"),
            JAVA_BOOLEAN.withName("load_mtp"),
            MemoryLayout.paddingLayout(2)).withName("llama_model_params");

    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_rs_seq"),
            JAVA_INT.withName("n_outputs_max"),
            JAVA_INT.withName("n_outputs_max_per_seq"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("ctx_type"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_INT.withName("flash_attn_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("no_perf"),
            JAVA_BOOLEAN.withName("op_offload"),
            JAVA_BOOLEAN.withName("swa_full"),
            JAVA_BOOLEAN.withName("kv_unified"),
            MemoryLayout.paddingLayout(2),
            ADDRESS.withName("samplers"),
            JAVA_LONG.withName("n_samplers"),
            ADDRESS.withName("ctx_other")).withName("llama_context_params");

    /** {@code llama_model_quantize_params}. */
    static final StructLayout QUANTIZE_PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("nthread"),
            JAVA_INT.withName("ftype"),
            JAVA_INT.withName("output_tensor_type"),
            JAVA_INT.withName("token_embedding_type"),
            JAVA_BOOLEAN.withName("allow_requantize"),
            JAVA_BOOLEAN.withName("quantize_output_tensor"),
            JAVA_BOOLEAN.withName("only_copy"),
            JAVA_BOOLEAN.withName("pure"),
            JAVA_BOOLEAN.withName("keep_split"),
            JAVA_BOOLEAN.withName("dry_run"),
            MemoryLayout.paddingLayout(2),
            ADDRESS.withName("imatrix"),
            ADDRESS.withName("kv_overrides"),
            ADDRESS.withName("tt_overrides"),
            ADDRESS.withName("prune_layers"),
            JAVA_LONG.withName("max_buf_size")).withName("llama_model_quantize_params");

    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits")).withName("llama_batch");

    static final StructLayout SAMPLER_CHAIN_PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN.withName("no_perf"))
            .withName("llama_sampler_chain_params");

    /** {@code llama_token_data}: id, logit, p. */
    static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(
            JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"),
            JAVA_FLOAT.withName("p")).withName("llama_token_data");

    /** {@code llama_token_data_array}: the candidates a sampler chain reads and narrows. */
    static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(
            ADDRESS.withName("data"),
            JAVA_LONG.withName("size"),
            JAVA_LONG.withName("selected"),
            JAVA_BOOLEAN.withName("sorted"),
            MemoryLayout.paddingLayout(7)).withName("llama_token_data_array");

    static final StructLayout PERF_CONTEXT = MemoryLayout.structLayout(
            JAVA_DOUBLE.withName("t_start_ms"),
            JAVA_DOUBLE.withName("t_load_ms"),
            JAVA_DOUBLE.withName("t_p_eval_ms"),
            JAVA_DOUBLE.withName("t_eval_ms"),
            JAVA_INT.withName("n_p_eval"),
            JAVA_INT.withName("n_eval"),
            JAVA_INT.withName("n_reused"),
            MemoryLayout.paddingLayout(4)).withName("llama_perf_context_data");

    static final StructLayout GGML_INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_LONG.withName("mem_size"),
            ADDRESS.withName("mem_buffer"),
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7)).withName("ggml_init_params");

    static final StructLayout GGUF_INIT_PARAMS = MemoryLayout.structLayout(
            JAVA_BOOLEAN.withName("no_alloc"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("ctx")).withName("gguf_init_params");

    /** The byte offset of field {@code name} in {@code layout}. */
    static long offset(StructLayout layout, String name) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    // enum values of llama.h and gguf.h the runtime writes
    static final int GGUF_TYPE_INT32 = 5;
    static final int GGUF_TYPE_FLOAT32 = 6;
    static final int FLASH_ATTN_DISABLED = 0;
    static final int FLASH_ATTN_ENABLED = 1;
    static final int SPLIT_MODE_NONE = 0;
    static final int SPLIT_MODE_LAYER = 1;
}
