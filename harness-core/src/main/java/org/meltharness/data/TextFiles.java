package org.meltharness.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Strict UTF-8 text for the readers. Bytes that are not UTF-8 are bad data named by file and line,
 * never replaced by U+FFFD (which would silently change a prompt). Decoding line by line is what
 * makes the line number exact; a buffered reader fails wherever its buffer happened to end.
 */
final class TextFiles {
    private TextFiles() {}

    /** The lines of a file, split at {@code \n} (a {@code \r} before it dropped), no trailing empty line. */
    static List<String> lines(Path file) {
        return lines(file, bytes(file));
    }

    static List<String> lines(Path file, InputStream in) {
        try {
            return lines(file, in.readAllBytes());
        } catch (IOException e) {
            throw HarnessException.badData(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The whole file as one string, for formats (CSV) whose records may span lines. */
    static String text(Path file) {
        byte[] bytes = bytes(file);
        try {
            return strict().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            lines(file, bytes); // names the line
            throw HarnessException.badData(file + ": not valid UTF-8");
        }
    }

    private static List<String> lines(Path file, byte[] bytes) {
        CharsetDecoder utf8 = strict();
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') continue;
            if (i == bytes.length && start == i) break;
            int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
            try {
                out.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw HarnessException.badData(file + ":" + (out.size() + 1) + ": not valid UTF-8");
            }
            start = i + 1;
        }
        return out;
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw HarnessException.badData(file + ": cannot read: " + e.getMessage());
        }
    }

    private static CharsetDecoder strict() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
}
