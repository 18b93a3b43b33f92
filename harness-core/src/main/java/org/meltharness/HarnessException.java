package org.meltharness;

/**
 * A failure the user can act on: one line of message and the process exit code that goes with it.
 *
 * <p>Codes follow the CLI contract (README, "Exit codes"): 1 internal error, 2 usage (unknown task,
 * bad option), 3 bad data (missing or corrupt file, checksum mismatch, malformed line), 4 model the
 * runtime cannot run, 5 I/O (a file or folder that cannot be read or written), 6 network (a server
 * that cannot be reached or gave up after its retries), 7 device (a device lost or refusing the
 * run), 130 interrupted. Only {@code main} turns one into {@code System.exit}.
 */
public class HarnessException extends RuntimeException {
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int BAD_DATA = 3;
    public static final int UNSUPPORTED_MODEL = 4;
    public static final int IO = 5;
    public static final int NETWORK = 6;
    public static final int DEVICE = 7;
    public static final int INTERRUPTED = 130;

    private final int exitCode;

    public HarnessException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public HarnessException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static HarnessException usage(String message) {
        return new HarnessException(USAGE, message);
    }

    public static HarnessException badData(String message) {
        return new HarnessException(BAD_DATA, message);
    }

    public static HarnessException badData(String message, Throwable cause) {
        return new HarnessException(BAD_DATA, message, cause);
    }

    public static HarnessException unsupportedModel(String message) {
        return new HarnessException(UNSUPPORTED_MODEL, message);
    }

    public static HarnessException unsupportedModel(String message, Throwable cause) {
        return new HarnessException(UNSUPPORTED_MODEL, message, cause);
    }

    public static HarnessException io(String message, Throwable cause) {
        return new HarnessException(IO, message, cause);
    }

    public static HarnessException network(String message) {
        return new HarnessException(NETWORK, message);
    }

    public static HarnessException network(String message, Throwable cause) {
        return new HarnessException(NETWORK, message, cause);
    }

    public static HarnessException device(String message) {
        return new HarnessException(DEVICE, message);
    }

    public static HarnessException device(String message, Throwable cause) {
        return new HarnessException(DEVICE, message, cause);
    }

    public static HarnessException interrupted(String message) {
        return new HarnessException(INTERRUPTED, message);
    }

    public static HarnessException internal(String message, Throwable cause) {
        return new HarnessException(INTERNAL, message, cause);
    }
}
