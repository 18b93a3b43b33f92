package org.meltharness.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The runtime chosen for a model when none was named, and why: among the runtimes that run every
 * quantisation asked for, those that compute it exactly come first, then the fastest on the
 * reference workload. Class-path order plays no part.
 *
 * @param provider the runtime chosen
 * @param offers what it offered, one per quantisation asked for, in that order
 * @param reason one line for the user and the run's manifest
 */
public record RuntimeChoice(RuntimeProvider provider, List<Offer> offers, String reason) {
    public RuntimeChoice {
        offers = List.copyOf(offers);
    }

    /** A runtime the user named: no choice was made. */
    public static RuntimeChoice named(RuntimeProvider provider, String quant) {
        return new RuntimeChoice(provider, List.of(new Offer(provider.name(), quant, true, Double.NaN)), "named with --runtime");
    }

    /**
     * The best runtime for all of {@code quants} (null entries: each runtime's own default for the
     * model), or empty when none runs them all.
     */
    static java.util.Optional<RuntimeChoice> best(List<RuntimeProvider> providers, ModelSource source, List<String> quants) {
        record Candidate(RuntimeProvider provider, List<Offer> offers) {
            boolean exact() {
                return offers.stream().allMatch(Offer::exact);
            }

            double seconds() {
                return offers.getFirst().referenceSeconds();
            }
        }
        List<Candidate> candidates = providers.stream()
                .map(p -> new Candidate(p, quants.stream().map(q -> p.offer(source, q).orElse(null)).toList()))
                .filter(c -> c.offers().stream().allMatch(java.util.Objects::nonNull))
                .sorted(Comparator.comparing((Candidate c) -> !c.exact()).thenComparingDouble(Candidate::seconds))
                .toList();
        if (candidates.isEmpty()) return java.util.Optional.empty();
        Candidate best = candidates.getFirst();
        String levels = best.offers().stream().map(Offer::quant).distinct().collect(Collectors.joining(", "));
        String others = candidates.stream().map(c -> String.format(Locale.ROOT, "%s %.1f s%s", c.provider().name(), c.seconds(),
                c.exact() ? "" : " (not exact)")).collect(Collectors.joining(", "));
        String reason = String.format(Locale.ROOT, "%s: the fastest runtime that runs %s %s (%s on 200 arc_easy documents "
                        + "of SmolLM2-135M at f32, docs/PERFORMANCE.md); --runtime NAME picks another",
                best.provider().name(), levels, best.exact() ? "exactly" : "(none runs it exactly)", others);
        return java.util.Optional.of(new RuntimeChoice(best.provider(), best.offers(), reason));
    }
}
