package org.meltharness.runtime.llamacpp;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives llama.cpp's and ggml's log lines ({@code llama_log_set}) and passes them to SLF4J under the
 * logger {@code llama.cpp}: debug lines at debug, everything else at info, so a run is quiet unless
 * {@code --verbose} asks for the engines' logs. Errors also go to a short memory, from which a
 * failed call's one-line message takes the engine's own reason.
 *
 * <p>The library hands over text in pieces (a line may come in several calls, continuations carry
 * level {@code CONT}); pieces are joined and logged a line at a time.
 */
final class NativeLog {
    static final Logger LOG = LoggerFactory.getLogger("llama.cpp");
    private static final int LEVEL_DEBUG = 1;
    private static final int LEVEL_WARN = 3;
    private static final int LEVEL_ERROR = 4;
    private static final int LEVEL_CONT = 5;
    private static final int KEPT = 16;

    private static final StringBuilder pending = new StringBuilder();
    private static int pendingLevel = 2;
    private static final Deque<String> problems = new ArrayDeque<>();
    private static long problemCount;

    private NativeLog() {}

    /** The upcall target: {@code void (*)(enum ggml_log_level level, const char * text, void * user_data)}. */
    static void callback(int level, MemorySegment text, MemorySegment userData) {
        try {
            String s = text.equals(MemorySegment.NULL) ? "" : text.reinterpret(Integer.MAX_VALUE).getString(0);
            accept(level, s);
        } catch (Throwable t) {
            // An exception must never cross back into native code; losing a log line is harmless.
        }
    }

    static synchronized void accept(int level, String text) {
        if (level != LEVEL_CONT) pendingLevel = level;
        int start = 0;
        int nl;
        while ((nl = text.indexOf('\n', start)) >= 0) {
            pending.append(text, start, nl);
            emit();
            start = nl + 1;
        }
        pending.append(text, start, text.length());
    }

    /** How many warnings and errors the library has logged so far; with {@link #problemsSince} for one call's. */
    static synchronized long mark() {
        return problemCount;
    }

    /**
     * The first error logged after {@code mark} (the cause; later lines only say that loading failed),
     * else the first warning, or null.
     */
    static synchronized String problemsSince(long mark) {
        if (pending.length() > 0) emit();
        long fresh = Math.min(problemCount - mark, problems.size());
        if (fresh <= 0) return null;
        String firstError = null;
        String firstWarning = null;
        int i = 0;
        for (var it = problems.descendingIterator(); it.hasNext() && i < fresh; i++) {
            String p = it.next();
            if (p.startsWith("E ")) firstError = p.substring(2);
            if (p.startsWith("W ")) firstWarning = p.substring(2);
        }
        return firstError != null ? firstError : firstWarning;
    }

    private static void emit() {
        String line = pending.toString().strip();
        pending.setLength(0);
        if (line.isEmpty()) return;
        if (pendingLevel == LEVEL_ERROR || pendingLevel == LEVEL_WARN) {
            problems.addLast((pendingLevel == LEVEL_ERROR ? "E " : "W ") + line);
            if (problems.size() > KEPT) problems.removeFirst();
            problemCount++;
        }
        if (pendingLevel == LEVEL_DEBUG) LOG.debug(line);
        else LOG.info(line);
    }
}
