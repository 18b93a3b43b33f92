package org.meltharness.runtime.http;

import org.eclipse.jetty.io.QuietException;

/**
 * Thrown from a token listener to stop work whose client has gone (closed the connection, or
 * stopped reading a stream): the model's worker moves on to the next request. Quiet: Jetty does
 * not log a client's leaving as a server failure.
 */
final class ClientGone extends RuntimeException implements QuietException {
    ClientGone(String why) {
        super(why, null, false, false);
    }
}
