package org.meltharness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What the user is told about an error that ended a command: one line, and the exit code of its
 * category. A {@link HarnessException} says both itself; an I/O error (also wrapped in an
 * {@link UncheckedIOException}) is a file error or, when a connection failed, a network error;
 * anything else is an internal error, a bug to report.
 *
 * @param internal whether it is a bug (the line then suggests {@code --stacktrace})
 */
public record Failure(int exitCode, String message, boolean internal) {

    public static Failure of(Throwable t) {
        if (t instanceof HarnessException h) return new Failure(h.exitCode(), h.getMessage(), false);
        IOException io = t instanceof UncheckedIOException u ? u.getCause() : t instanceof IOException e ? e : null;
        if (io != null) {
            String context = t instanceof UncheckedIOException u && u.getMessage() != null && !u.getMessage().equals(io.toString())
                    ? u.getMessage() + ": " : "";
            if (isNetwork(io)) return new Failure(HarnessException.NETWORK, "network error: " + context + reason(io), false);
            return new Failure(HarnessException.IO, "I/O error: " + context + reason(io), false);
        }
        return new Failure(HarnessException.INTERNAL, "internal error: " + t, true);
    }

    static boolean isNetwork(IOException e) {
        return e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof SocketTimeoutException || e instanceof HttpTimeoutException || e instanceof SocketException
                || e instanceof javax.net.ssl.SSLException;
    }

    /** The cause in words, naming the file: the JDK's messages for file errors are often the bare path. */
    static String reason(IOException e) {
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        String why = switch (e) {
            case NoSuchFileException x -> "no such file or folder";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "exists already";
            case DirectoryNotEmptyException x -> "folder not empty";
            case NotDirectoryException x -> "not a folder";
            case FileSystemException f -> f.getReason() != null ? f.getReason() : "file system error";
            case UnknownHostException x -> "unknown host " + e.getMessage();
            default -> e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
        };
        return file != null ? file + ": " + why : why;
    }
}
