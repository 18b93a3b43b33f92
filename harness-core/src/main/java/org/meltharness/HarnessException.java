package org.meltharness;

/**
 * A failure the user can act on: one line of message and the process exit code that goes with it.
 *
 * <p>Codes follow the CLI contract: 1 internal error, 2 usage (unknown task, bad option), 3 bad
 * data (missing or corrupt file, checksum mismatch, malformed line), 4 model the runtime cannot run,
 * 130 interrupted. Only {@code main} turns one into {@code System.exit}.
 */
public class HarnessException extends RuntimeException {
    public static final int INTERNAL = 1;
    public static final int USAGE = 2;
    public static final int BAD_DATA = 3;
    public static final int UNSUPPORTED_MODEL = 4;
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

    public static HarnessException internal(String message, Throwable cause) {
        return new HarnessException(INTERNAL, message, cause);
    }
}
