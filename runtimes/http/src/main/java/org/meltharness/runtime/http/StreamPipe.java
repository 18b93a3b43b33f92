package org.meltharness.runtime.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The chunks of one streamed answer on their way from the model's worker to the connection that
 * writes them. The worker never waits on a client: it puts a chunk if there is room and otherwise
 * gives up the request ({@link ClientGone}), so that a client that stops reading costs at most
 * {@code capacity} buffered chunks and never stalls the requests behind it. The connection's
 * thread takes chunks and writes them, with the transport's write deadline.
 */
final class StreamPipe {
    /** Ends the stream; the writer stops after it. */
    static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private volatile boolean gone;

    StreamPipe(int capacity) {
        this.chunks = new ArrayBlockingQueue<>(capacity);
    }

    /** Called by the worker: hands a chunk over without waiting. */
    void put(byte[] chunk) {
        if (gone) throw new ClientGone("the client went away");
        if (!chunks.offer(chunk)) {
            gone = true;
            throw new ClientGone("the client stopped reading its stream");
        }
    }

    /** Called by the worker when it is done, whatever happened; never waits. */
    void end() {
        if (!chunks.offer(END)) {
            chunks.poll(); // a client that stopped reading: its writer is gone or failing anyway
            chunks.offer(END);
        }
    }

    /** Called by the writer: the next chunk, or null after {@code millis} without one. */
    byte[] take(long millis) throws InterruptedException {
        return chunks.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Called by the writer when a write failed: the worker stops at its next token. */
    void clientGone() {
        gone = true;
    }

    boolean isGone() {
        return gone;
    }
}
