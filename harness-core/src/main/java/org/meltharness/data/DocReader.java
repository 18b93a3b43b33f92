package org.meltharness.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads one file format into documents in the Hugging Face schema that lm-eval's task files expect.
 * A malformed line fails with the file and line it is on.
 */
@FunctionalInterface
public interface DocReader {
    /**
     * @param files the source's files, in the manifest's order
     * @param config the manifest config being read (MMLU's subject)
     */
    List<Map<String, Object>> read(List<Path> files, String config);
}
