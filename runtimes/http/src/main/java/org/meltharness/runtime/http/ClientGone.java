package org.meltharness.runtime.http;

/**
 * Thrown from a token listener to stop work whose client has gone (closed the connection, or
 * stopped reading a stream): the model's worker moves on to the next request.
 */
final class ClientGone extends RuntimeException {
    ClientGone(String why) {
        super(why, null, false, false);
    }
}
