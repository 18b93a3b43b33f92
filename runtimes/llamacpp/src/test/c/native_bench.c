// The library's own prefill and decode rate, without Java: what llama-bench's pp and tg tests do
// (llama_decode of a prompt in n_batch chunks; then one token at a time, no sampling), on the
// same tokens LlamaCppBench's `prefill` mode scores, with the settings the harness uses (F32 or
// F16 KV cache, flash attention off, one sequence). Build and run: docs/PERFORMANCE.md.
//
//   native_bench LIBDIR MODEL.gguf PROMPT_TOKENS GEN_TOKENS THREADS REPS BATCH f32|f16
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ggml-backend.h"
#include "llama.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, n, sizeof(double), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void quiet(enum ggml_log_level level, const char *text, void *data) {
    (void) data;
    if (level >= GGML_LOG_LEVEL_WARN) fputs(text, stderr);
}

int main(int argc, char **argv) {
    if (argc != 9) {
        fprintf(stderr, "usage: %s LIBDIR MODEL PROMPT_TOKENS GEN_TOKENS THREADS REPS BATCH f32|f16\n", argv[0]);
        return 2;
    }
    int n_prompt = atoi(argv[3]), n_gen = atoi(argv[4]), threads = atoi(argv[5]), reps = atoi(argv[6]);
    int batch = atoi(argv[7]);
    enum ggml_type kv = strcmp(argv[8], "f16") == 0 ? GGML_TYPE_F16 : GGML_TYPE_F32;
    llama_log_set(quiet, NULL);
    ggml_backend_load_all_from_path(argv[1]);
    llama_backend_init();
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    struct llama_model *model = llama_model_load_from_file(argv[2], mp);
    if (!model) return 1;
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    int n_vocab = llama_vocab_n_tokens(vocab);
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = n_prompt + n_gen + 1;
    cp.n_batch = batch;
    cp.n_ubatch = batch;
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.type_k = kv;
    cp.type_v = kv;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) return 1;
    // LlamaCppBench.benchTokens: BOS, then an LCG over the vocabulary.
    llama_token *tokens = malloc(sizeof(llama_token) * (n_prompt + n_gen));
    tokens[0] = llama_vocab_bos(vocab);
    for (int i = 1; i < n_prompt + n_gen; i++) tokens[i] = (llama_token) (((long long) i * 48271 + 11) % n_vocab);
    struct llama_batch b = llama_batch_init(batch, 0, 1);
    double *pp = malloc(sizeof(double) * reps), *tg = malloc(sizeof(double) * reps);
    double *ppc = malloc(sizeof(double) * reps), *tgc = malloc(sizeof(double) * reps);
    for (int rep = -1; rep < reps; rep++) { // rep -1 warms up
        llama_memory_clear(llama_get_memory(ctx), true);
        double c0 = cpu();
        double t0 = now();
        for (int start = 0; start < n_prompt; start += batch) {
            b.n_tokens = 0;
            for (int p = start; p < n_prompt && p < start + batch; p++) {
                int i = b.n_tokens++;
                b.token[i] = tokens[p];
                b.pos[i] = p;
                b.n_seq_id[i] = 1;
                b.seq_id[i][0] = 0;
                b.logits[i] = p == n_prompt - 1;
            }
            if (llama_decode(ctx, b) != 0) return 1;
        }
        llama_synchronize(ctx);
        double t1 = now();
        double c1 = cpu();
        for (int g = 0; g < n_gen; g++) {
            b.n_tokens = 1;
            b.token[0] = tokens[n_prompt + g];
            b.pos[0] = n_prompt + g;
            b.n_seq_id[0] = 1;
            b.seq_id[0][0] = 0;
            b.logits[0] = 1;
            if (llama_decode(ctx, b) != 0) return 1;
            llama_synchronize(ctx);
        }
        double t2 = now();
        double c2 = cpu();
        if (rep < 0) continue;
        pp[rep] = n_prompt / (t1 - t0);
        tg[rep] = n_gen / (t2 - t1);
        ppc[rep] = n_prompt / (c1 - c0);
        tgc[rep] = n_gen / (c2 - c1);
    }
    printf("%s native: prompt %d (batch %d), %d new, threads %d, kv %s: prefill %.1f tok/s, decode %.1f tok/s; per "
           "CPU-second of the calling thread: prefill %.1f, decode %.1f tok/s (medians of %d)\n",
           strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2], n_prompt, batch, n_gen, threads, argv[8],
           median(pp, reps), median(tg, reps), median(ppc, reps), median(tgc, reps), reps);
    llama_batch_free(b);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
