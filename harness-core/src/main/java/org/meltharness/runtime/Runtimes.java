package org.meltharness.runtime;

import java.util.List;
import java.util.ServiceLoader;
import org.meltharness.HarnessException;

/** The runtimes on the class path, found through {@link ServiceLoader}. */
public final class Runtimes {
    private Runtimes() {}

    public static List<RuntimeProvider> providers() {
        return ServiceLoader.load(RuntimeProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The runtime named, or the first that accepts the model when none is named. */
    public static RuntimeProvider select(String name, ModelSource source) {
        List<RuntimeProvider> all = providers();
        if (all.isEmpty()) throw new IllegalStateException("no runtime module is on the class path");
        List<String> names = all.stream().map(RuntimeProvider::name).toList();
        if (name != null) {
            return all.stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> HarnessException.usage("unknown runtime '" + name + "'; available: " + names));
        }
        return all.stream()
                .filter(p -> p.accepts(source))
                .findFirst()
                .orElseThrow(() -> HarnessException.unsupportedModel("no runtime can load " + source.requested()
                        + " (available: " + names + "); name one with --runtime"));
    }

    /** The quantisation to use: the one asked for, else the model name's suffix, else the runtime's default. */
    public static String quant(RuntimeProvider provider, ModelSource source, String requested, String fromName) {
        if (requested != null && fromName != null && !requested.equalsIgnoreCase(fromName)) {
            throw HarnessException.usage("--quant " + requested + " contradicts the model name's -" + fromName);
        }
        String q = requested != null ? requested : fromName != null ? fromName : provider.defaultQuantization(source);
        q = q.toLowerCase(java.util.Locale.ROOT);
        if (!provider.quantizations().contains(q)) {
            throw HarnessException.usage("runtime " + provider.name() + " does not offer --quant " + q + "; it offers "
                    + provider.quantizations());
        }
        return q;
    }
}
