package org.meltharness.runtime.jlama;

import java.nio.file.Path;
import org.meltharness.HarnessException;
import org.meltharness.runtime.RuntimeConfig;

/** The files of a hub repository that Jlama needs, in a local folder. */
final class HubFiles {
    private HubFiles() {}

    static Path fetch(String repo, String revision, RuntimeConfig config) {
        throw HarnessException.unsupportedModel("jlama cannot download " + repo + " yet; download it and pass the folder");
    }
}
