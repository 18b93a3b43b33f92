package org.meltharness.run;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;

/**
 * Where benchmark files are found and downloads and converted weights kept.
 *
 * @param dataDir the folder of benchmark files asked for, or null (one may still be found: {@link DataOptions})
 * @param cacheDir downloads and converted weights
 * @param offline never use the network
 */
public record DataLocation(Path dataDir, Path cacheDir, boolean offline) {

    /**
     * The location asked for, with the environment's defaults: {@code HARNESS_CACHE_DIR}, else
     * {@code ~/.cache/melt-harness}; {@code HARNESS_OFFLINE=1} is offline too.
     *
     * @param cacheDir the cache asked for, or null
     */
    public static DataLocation of(Path dataDir, Path cacheDir, boolean offline) {
        Path cache = cacheDir;
        if (cache == null) {
            String env = System.getenv("HARNESS_CACHE_DIR");
            cache = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "melt-harness");
        }
        return new DataLocation(dataDir, cache, offline || "1".equals(System.getenv("HARNESS_OFFLINE")));
    }

    /** The data store of this location, saying on {@code err} which data folder it found by itself and what it falls back to. */
    public DataStore store(PrintWriter err) {
        DataOptions options = DataOptions.fromEnvironment(dataDir, cacheDir, offline);
        if (dataDir == null && options.dataDir() != null) err.println("harness: data from " + options.dataDir());
        return new DataStore(DatasetCatalog.load(), options, new Downloader(), msg -> err.println("harness: " + msg));
    }
}
