package org.meltharness.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.meltharness.HarnessException;

/** The runtimes on the class path, found through {@link ServiceLoader}. */
public final class Runtimes {
    private Runtimes() {}

    public static List<RuntimeProvider> providers() {
        return ServiceLoader.load(RuntimeProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** The runtime of that name, or a usage error listing the others. */
    public static RuntimeProvider named(String name) {
        List<RuntimeProvider> all = all();
        return all.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> HarnessException.usage("unknown runtime '" + name + "'; available: "
                        + all.stream().map(RuntimeProvider::name).toList()));
    }

    /**
     * The runtime named, or the one {@link RuntimeChoice} picks for the model at every quantisation of
     * {@code quants} (a null entry: each runtime's default for the model).
     */
    public static RuntimeChoice choose(String name, ModelSource source, List<String> quants) {
        if (name != null) return RuntimeChoice.named(named(name), quants.getFirst());
        List<RuntimeProvider> all = all();
        return RuntimeChoice.best(all, source, quants).orElseThrow(() -> {
            List<RuntimeProvider> loaders = all.stream().filter(p -> !p.modelsByName() && p.accepts(source)).toList();
            if (loaders.size() == 1) {
                // One runtime loads the model: a level it lacks is the user's to change, said as when it is named.
                for (String q : quants) if (q != null) quant(loaders.getFirst(), source, q, null);
            }
            List<String> why = new ArrayList<>();
            for (RuntimeProvider p : all) {
                if (p.modelsByName()) continue;
                why.add(p.name() + (p.accepts(source) ? " offers " + p.quantizations() : " cannot load it"));
            }
            String levels = quants.stream().map(q -> q == null ? "its own format" : q).toList().toString();
            String message = "no runtime runs " + source.requested() + " at " + levels + " (" + String.join("; ", why)
                    + "); name one with --runtime";
            return loaders.isEmpty() ? HarnessException.unsupportedModel(message) : HarnessException.usage(message);
        });
    }

    /** The quantisation to use: the one asked for, else the model name's suffix, else the runtime's default. */
    public static String quant(RuntimeProvider provider, ModelSource source, String requested, String fromName) {
        if (requested != null && fromName != null && !requested.equalsIgnoreCase(fromName)) {
            throw HarnessException.usage("--quant " + requested + " contradicts the model name's -" + fromName);
        }
        String q = requested != null ? requested : fromName != null ? fromName : provider.defaultQuantization(source);
        q = q.toLowerCase(Locale.ROOT);
        if (!provider.quantizations().contains(q)) {
            throw HarnessException.usage("runtime " + provider.name() + " does not offer --quant " + q + "; it offers "
                    + provider.quantizations());
        }
        return q;
    }

    private static List<RuntimeProvider> all() {
        List<RuntimeProvider> all = providers();
        if (all.isEmpty()) throw new IllegalStateException("no runtime module is on the class path");
        return all;
    }
}
