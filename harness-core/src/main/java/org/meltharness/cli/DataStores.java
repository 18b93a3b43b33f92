package org.meltharness.cli;

import java.io.PrintWriter;
import org.meltharness.data.DataOptions;
import org.meltharness.data.DataStore;
import org.meltharness.data.DatasetCatalog;
import org.meltharness.data.Downloader;

/** The data store the CLI options describe, telling the user on stderr what it falls back to. */
final class DataStores {
    private DataStores() {}

    static DataStore create(DataLocationOptions opts, PrintWriter err) {
        DataOptions options = DataOptions.fromEnvironment(opts.dataDir, opts.cacheDir(), opts.offline);
        if (opts.dataDir == null && options.dataDir() != null) err.println("harness: data from " + options.dataDir());
        return new DataStore(DatasetCatalog.load(), options, new Downloader(), msg -> err.println("harness: " + msg));
    }
}
