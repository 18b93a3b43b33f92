package org.meltharness.results;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;
import org.meltharness.HarnessException;

/**
 * The one process that writes a run folder: an operating-system lock on {@code <run>/.lock}.
 *
 * <p>The lock is the kernel's ({@code fcntl} on Linux, also over NFSv4), so it ends with its process
 * however that process ends (SIGKILL included): a folder left by a dead process is free again, and
 * the next writer takes it over. The file itself only says who holds the lock, for the message a
 * second writer gets; it is emptied on release, so text found in it by a new holder names a process
 * that died holding the run.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside a run folder (not part of the run's data). */
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the run folder for this process, or refuses in one line naming the process that holds it.
     *
     * @param notice told when the folder was left locked by a process that is gone
     */
    public static RunLock acquire(Path runDir, String runId, Consumer<String> notice) {
        Path file = runDir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already
            }
            String previous = read(ch);
            if (lock == null) {
                ch.close();
                throw HarnessException.usage("run " + runId + " is in use by "
                        + (previous.isBlank() ? "another process" : previous)
                        + "; wait for it to end or stop it (one process writes a run at a time)");
            }
            if (!previous.isBlank()) notice.accept("run " + runId + " was left by " + previous + ", which is gone; taking it over");
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(holder().getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, lock);
        } catch (IOException e) {
            closeQuietly(ch);
            throw HarnessException.badData("cannot lock run folder " + runDir + ": " + e.getMessage());
        }
    }

    /** Releases the folder; the file is emptied first so that the next holder finds no dead owner in it. */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) {
                channel.truncate(0);
                lock.release();
            }
        } catch (IOException e) {
            // The lock goes with the channel below in any case.
        } finally {
            closeQuietly(channel);
        }
    }

    /** Who this process is, in the words a user needs to find it. */
    static String holder() {
        ProcessHandle self = ProcessHandle.current();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "this host";
        }
        return "process " + self.pid() + " on " + host + " (harness " + command() + ", since "
                + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")";
    }

    private static String command() {
        String cmd = System.getProperty("sun.java.command", "");
        // compare and suite run each eval in a JVM of its own, started on this class by its name.
        if (cmd.startsWith("org.meltharness.run.eval.EvalChild")) return "eval";
        int main = cmd.indexOf("org.meltharness.cli.Main");
        String args = main >= 0 ? cmd.substring(main + "org.meltharness.cli.Main".length()).strip() : "";
        String first = args.isEmpty() ? "" : args.split("\\s+")[0];
        return first.isEmpty() ? "in-process" : first;
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        ch.read(buf, 0);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
