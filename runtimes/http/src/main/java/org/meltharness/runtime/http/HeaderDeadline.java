package org.meltharness.runtime.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection that has not delivered a request's headers within a deadline of its opening
 * or of its last answer. Jetty's idle timeout restarts with every byte, so a client sending its
 * headers one byte a second would hold a connection (and a place under the connection limit) for
 * hours; Jetty has no limit on the time to read a request's headers, hence this small listener.
 * Between requests the deadline also bounds how long a kept-alive connection may sit idle.
 */
final class HeaderDeadline implements Connection.Listener {
    private final Scheduler scheduler;
    private final long millis;
    /** Per open connection, how many requests reached the server; a check compares it with its own count. */
    private final Map<Connection, AtomicLong> requests = new ConcurrentHashMap<>();

    HeaderDeadline(Scheduler scheduler, long millis) {
        this.scheduler = scheduler;
        this.millis = millis;
    }

    @Override
    public void onOpened(Connection connection) {
        requests.put(connection, new AtomicLong());
        arm(connection, 0);
    }

    @Override
    public void onClosed(Connection connection) {
        requests.remove(connection);
    }

    /** A request's headers arrived on {@code connection}. */
    void started(Connection connection) {
        AtomicLong n = requests.get(connection);
        if (n != null) n.incrementAndGet();
    }

    /** A request was answered: the next one's headers have the deadline from now. */
    void answered(Connection connection) {
        AtomicLong n = requests.get(connection);
        if (n != null) arm(connection, n.get());
    }

    private void arm(Connection connection, long seen) {
        scheduler.schedule(() -> {
            AtomicLong n = requests.get(connection);
            if (n != null && n.get() == seen) connection.getEndPoint().close();
        }, millis, TimeUnit.MILLISECONDS);
    }
}
