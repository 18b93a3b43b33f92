package org.meltharness.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one power meter recorded over a run, ready to integrate: the channels that make up its
 * total (all power or all energy counters), or why there are none.
 */
public record MeterTrace(String meter, PowerMeter.Scope scope, List<TimeSeries> channels, Optional<String> unavailable) {
    public MeterTrace {
        channels = List.copyOf(channels);
        if (unavailable.isEmpty() && channels.isEmpty()) unavailable = Optional.of("no power readings from " + meter);
        if (unavailable.isPresent() && !channels.isEmpty()) throw new IllegalArgumentException(meter + ": unavailable yet has channels");
        if (channels.stream().map(TimeSeries::quantity).distinct().count() > 1) {
            throw new IllegalArgumentException(meter + ": mixes power and energy channels");
        }
        for (TimeSeries s : channels) {
            if (!s.quantity().isEnergy()) throw new IllegalArgumentException(meter + ": " + s.name() + " is " + s.quantity());
        }
    }

    /** The meter's total channels as the sampler recorded them, or why it could not be read. */
    public static MeterTrace of(PowerMeter meter, Recording recording) {
        var why = meter.whyUnavailable();
        if (why.isEmpty() && recording.unavailable().containsKey(meter.name())) {
            why = Optional.of(recording.unavailable().get(meter.name()));
        }
        if (why.isPresent()) return unavailable(meter.name(), meter.scope(), why.get());
        List<TimeSeries> channels = new ArrayList<>();
        for (Quantity q : List.of(Quantity.POWER, Quantity.ENERGY)) {
            for (String c : recording.channels(meter.name(), q)) {
                if (meter.inTotal(c)) channels.add(recording.series(meter.name(), c, q));
            }
        }
        if (channels.isEmpty()) {
            StringBuilder reason = new StringBuilder("no power readings from " + meter.name());
            for (Note n : recording.notes(meter.name())) reason.append("; ").append(n.message());
            return unavailable(meter.name(), meter.scope(), reason.toString());
        }
        return new MeterTrace(meter.name(), meter.scope(), channels, Optional.empty());
    }

    public static MeterTrace unavailable(String meter, PowerMeter.Scope scope, String reason) {
        return new MeterTrace(meter, scope, List.of(), Optional.of(reason));
    }

    /**
     * The channels summed at the times all of them were read (one read of a meter stamps all its
     * channels alike). A channel that stopped mid-run ends the total there, so later phases are
     * unavailable rather than silently short of it.
     */
    public TimeSeries total() {
        if (unavailable.isPresent()) throw new IllegalStateException(meter + " is unavailable: " + unavailable.get());
        if (channels.size() == 1) return channels.getFirst();
        TimeSeries first = channels.getFirst();
        var b = new TimeSeries.Builder("total", first.quantity());
        int[] at = new int[channels.size()];
        for (int i = 0; i < first.size(); i++) {
            long t = first.time(i);
            double sum = first.value(i);
            boolean everyChannel = true;
            for (int c = 1; c < channels.size(); c++) {
                TimeSeries s = channels.get(c);
                while (at[c] < s.size() && s.time(at[c]) < t) at[c]++;
                if (at[c] < s.size() && s.time(at[c]) == t) sum += s.value(at[c]);
                else everyChannel = false;
            }
            if (everyChannel) b.add(t, sum);
        }
        return b.build();
    }
}
