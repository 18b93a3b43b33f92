package org.meltharness.devices;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meltharness.device.DeviceRequest;

/** The options of a device run as the user gave them, looked up by name. */
record Args(List<DeviceRequest.Arg> all) {
    Args {
        all = List.copyOf(all);
    }

    boolean has(String name) {
        return all.stream().anyMatch(a -> a.name().equals(name));
    }

    /** The last value given for the option. */
    Optional<String> value(String name) {
        String v = null;
        for (DeviceRequest.Arg a : all) if (a.name().equals(name) && !a.values().isEmpty()) v = a.values().getFirst();
        return Optional.ofNullable(v);
    }

    /** Every value given, comma lists split when {@code split}. */
    List<String> values(String name, boolean split) {
        List<String> out = new ArrayList<>();
        for (DeviceRequest.Arg a : all) {
            if (!a.name().equals(name)) continue;
            for (String v : a.values()) {
                if (split) {
                    for (String s : v.split(",")) if (!s.isBlank()) out.add(s.strip());
                } else {
                    out.add(v);
                }
            }
        }
        return out;
    }
}
