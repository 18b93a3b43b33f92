package org.meltharness.runtime.http;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The model's worker never waits on a client: a full or abandoned stream is given up at once. */
class StreamPipeTest {

    @Test
    void aFullPipeGivesTheStreamUpInsteadOfWaiting() throws Exception {
        StreamPipe pipe = new StreamPipe(2);
        pipe.put(new byte[] {1});
        pipe.put(new byte[] {2});
        long t0 = System.nanoTime();
        assertThrows(ClientGone.class, () -> pipe.put(new byte[] {3}));
        assertTrue(System.nanoTime() - t0 < 100_000_000L, "no waiting");
        assertThrows(ClientGone.class, () -> pipe.put(new byte[] {4}), "gone stays gone");
        pipe.end(); // room is made for the end, even in a full pipe
        pipe.take(10);
        assertSame(StreamPipe.END, pipe.take(10));
    }

    @Test
    void aWriterThatFailedStopsTheWorkerAtItsNextChunk() {
        StreamPipe pipe = new StreamPipe(16);
        pipe.clientGone();
        assertThrows(ClientGone.class, () -> pipe.put(new byte[] {1}));
    }
}
