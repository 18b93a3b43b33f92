package org.meltharness.tokenize;

/** Text to token ids and back, with the model's beginning-of-sequence rule applied. */
public interface TextTokenizer {

    /** Encodes text as the model's tokenizer does by default (BOS added when its config says so). */
    int[] encode(String text);

    /** Decodes ids to text, skipping special tokens. */
    String decode(int[] ids);

    /** The token that stands for an empty context (lm-eval's {@code prefix_token_id}: BOS, else EOS). */
    int prefixTokenId();

    /** The end-of-sequence token, or -1. */
    int eosTokenId();

    /** What produced the ids, for the record: library, file and its hash. */
    String describe();
}
