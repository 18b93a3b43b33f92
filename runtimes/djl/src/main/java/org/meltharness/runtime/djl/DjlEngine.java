package org.meltharness.runtime.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.meltharness.HarnessException;

/**
 * Starts DJL's PyTorch engine with no network: libtorch must come from a
 * {@code pytorch-native-*} jar on the class path (or a local libtorch named by
 * {@code PYTORCH_LIBRARY_PATH}), never from DJL's download. The engine is process-wide: the first
 * runtime starts it, later ones share it.
 *
 * <p>The switches: {@code ai.djl.offline=true} (set here when nothing set it; the launcher and
 * surefire pass {@code -Dai.djl.offline=true}) and the environment variable {@code DJL_OFFLINE},
 * which DJL reads in preference to the property. Where DJL extracts libtorch: {@code DJL_CACHE_DIR}
 * (default {@code ~/.djl.ai}), or {@code ENGINE_CACHE_DIR} for engines alone.
 */
final class DjlEngine {
    static final String OFFLINE = "ai.djl.offline";
    static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    private DjlEngine() {}

    /**
     * What runs the model.
     *
     * @param threads PyTorch's intra-op threads
     * @param libtorch libtorch version and flavour, e.g. {@code 2.7.1-20250812 cpu linux-x86_64}
     * @param libtorchPath the folder libtorch was loaded from
     */
    record Settings(String djlVersion, String pytorchVersion, int threads, String libtorch, String libtorchPath) {}

    /** Starts the engine (once per process) and sets its thread count when {@code threads > 0}. */
    static synchronized Settings start(int threads) {
        int cpus = java.lang.Runtime.getRuntime().availableProcessors();
        if (threads > cpus) {
            throw HarnessException.usage("--threads " + threads + " exceeds the " + cpus + " processors of this machine");
        }
        quietLogs();
        if (System.getProperty(OFFLINE) == null) System.setProperty(OFFLINE, "true");
        String platform = platform();
        List<String> bundled = bundledPlatforms(DjlEngine.class.getClassLoader());
        if (System.getenv("PYTORCH_LIBRARY_PATH") == null && !bundled.contains(platform)) {
            throw noLibtorch(platform, bundled);
        }
        Engine engine;
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | LinkageError e) {
            throw HarnessException.unsupportedModel("djl cannot start PyTorch on " + platform + ": "
                    + Errors.firstLine(Errors.rootCause(e)) + " (" + Errors.firstLine(e) + ")", e);
        }
        JniUtils.setGradMode(false);
        if (threads > 0) JniUtils.setNumThreads(threads);
        String libtorch = bundledDescription(DjlEngine.class.getClassLoader(), platform);
        String path;
        try {
            path = LibUtils.getLibtorchPath();
        } catch (RuntimeException e) {
            path = "unknown";
        }
        return new Settings(Engine.getDjlVersion(), engine.getVersion(), JniUtils.getNumThreads(), libtorch, path);
    }

    /** DJL's name for this machine's platform ({@code linux-x86_64}, {@code linux-aarch64}, {@code osx-aarch64}, ...). */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("mac") ? "osx" : os.startsWith("win") ? "win" : os.startsWith("linux") ? "linux" : os;
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    /** The platforms of the libtorch jars on the class path (their {@code native/lib/pytorch.properties}). */
    static List<String> bundledPlatforms(ClassLoader loader) {
        List<String> out = new ArrayList<>();
        for (Properties p : nativeProperties(loader)) {
            String c = p.getProperty("classifier");
            if (c != null) out.add(c);
        }
        return out;
    }

    /** The one-line refusal when no libtorch exists for this platform. */
    static HarnessException noLibtorch(String platform, List<String> bundled) {
        return HarnessException.unsupportedModel("djl has no libtorch for " + platform + ": "
                + (bundled.isEmpty() ? "no ai.djl.pytorch:pytorch-native-* jar is on the class path"
                        : "the class path holds pytorch-native for " + String.join(", ", bundled) + " only")
                + ", and it never downloads one; add ai.djl.pytorch:pytorch-native-cpu:2.7.1 for " + platform
                + " or point PYTORCH_LIBRARY_PATH at a libtorch 2.7.1");
    }

    private static String bundledDescription(ClassLoader loader, String platform) {
        for (Properties p : nativeProperties(loader)) {
            if (platform.equals(p.getProperty("classifier"))) {
                return p.getProperty("version", "?") + " " + p.getProperty("flavor", "?") + " " + platform;
            }
        }
        return "PYTORCH_LIBRARY_PATH=" + System.getenv("PYTORCH_LIBRARY_PATH");
    }

    private static List<Properties> nativeProperties(ClassLoader loader) {
        List<Properties> out = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources(NATIVE_PROPERTIES))) {
                try (InputStream in = url.openStream()) {
                    Properties p = new Properties();
                    p.load(in);
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * DJL logs at INFO when extracting libtorch and warns that it found no GPU; neither helps a
     * harness user. Quieted unless the user configured these loggers.
     */
    static void quietLogs() {
        String prefix = "org.slf4j.simpleLogger.log.";
        if (System.getProperty(prefix + "ai.djl") == null) System.setProperty(prefix + "ai.djl", "warn");
        if (System.getProperty(prefix + "ai.djl.util.cuda") == null) System.setProperty(prefix + "ai.djl.util.cuda", "error");
    }
}
