package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The {@code logprobs} object of one choice in OpenAI's legacy completion format, row by row:
 * {@code tokens}, {@code token_logprobs} (null where a token has none), {@code top_logprobs} and
 * {@code text_offset} (code points into the choice's text).
 */
final class LogprobRows {
    private final ObjectNode node = ServedModel.JSON.objectNode();
    private final ArrayNode tokens = node.putArray("tokens");
    private final ArrayNode values = node.putArray("token_logprobs");
    private final ArrayNode tops = node.putArray("top_logprobs");
    private final ArrayNode offsets = node.putArray("text_offset");
    private final Optional<PromptTokens> pieces;
    /** What {@code melt_continuation_from} scoring reports beside the rows, or null. */
    private ObjectNode melt;

    LogprobRows(Optional<PromptTokens> pieces) {
        this.pieces = pieces;
    }

    /** A row without a log-prob (a prompt's first token, or one the runtime could not score). */
    void addUnscored(String text, int offset) {
        tokens.add(text);
        values.addNull();
        tops.addNull();
        offsets.add(offset);
    }

    void add(String text, double logprob, Scores.Top top, int offset) {
        tokens.add(text);
        values.add(logprob);
        if (top == null) {
            tops.addNull();
        } else {
            ObjectNode t = tops.addObject();
            for (int a = 0; a < top.ids().length; a++) {
                int id = top.ids()[a];
                String key = pieces.map(p -> p.piece(id)).orElse(String.valueOf(id));
                if (!t.has(key)) t.put(key, top.logprobs()[a]);
            }
        }
        offsets.add(offset);
    }

    ObjectNode node() {
        return node;
    }

    ObjectNode melt() {
        return melt;
    }

    void melt(ObjectNode melt) {
        this.melt = melt;
    }
}
