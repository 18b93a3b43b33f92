package org.meltharness.measure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Sampler} collected: samples in time order, notes, and the probes that could not be
 * read with the reason. {@code originNanos} is when sampling started, the zero of exported times.
 */
public record Recording(long originNanos, List<Sample> samples, List<Note> notes, Map<String, String> unavailable) {
    public Recording {
        samples = List.copyOf(samples);
        notes = List.copyOf(notes);
        unavailable = Collections.unmodifiableMap(new LinkedHashMap<>(unavailable));
    }

    /** One channel of one source; empty when it was never read. Named by the channel alone. */
    public TimeSeries series(String source, String channel, Quantity quantity) {
        var b = new TimeSeries.Builder(channel, quantity);
        for (Sample s : samples) {
            if (s.source().equals(source) && s.channel().equals(channel) && s.quantity() == quantity) b.add(s.tNanos(), s.value());
        }
        return b.build();
    }

    /** Every channel of a quantity across all sources, each named {@code source/channel}, in first-seen order. */
    public List<TimeSeries> series(Quantity quantity) {
        Map<String, TimeSeries.Builder> byName = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.quantity() != quantity) continue;
            String name = s.source() + "/" + s.channel();
            byName.computeIfAbsent(name, n -> new TimeSeries.Builder(n, quantity)).add(s.tNanos(), s.value());
        }
        List<TimeSeries> out = new ArrayList<>();
        for (var b : byName.values()) out.add(b.build());
        return out;
    }

    /** The channels one source produced readings of a quantity on, in first-seen order. */
    public List<String> channels(String source, Quantity quantity) {
        List<String> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.source().equals(source) && s.quantity() == quantity && !out.contains(s.channel())) out.add(s.channel());
        }
        return out;
    }

    public List<Note> notes(String source) {
        return notes.stream().filter(n -> n.source().equals(source)).toList();
    }
}
