package org.meltharness.runtime;

/** Receives generated text as it is produced, for streaming to a terminal or a client. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param tokenId the token just generated
     * @param textDelta the text it adds (may be empty while a multi-byte character is incomplete)
     */
    void onToken(int tokenId, String textDelta);

    TokenListener NONE = (id, text) -> {};
}
