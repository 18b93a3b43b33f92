package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What was loaded, for the manifest and {@code harness engines}: llama.cpp's and ggml's versions, the
 * commit it was built from, where it came from, the backend libraries ggml loaded from the folder
 * (the CPU variant it chose for this CPU, a GPU backend), the devices in ggml's registry and
 * {@code llama_print_system_info()}.
 *
 * @param backends the {@code libggml-*} backend libraries of the folder that this process mapped
 * @param cpuVariant the CPU backend ggml chose ({@code haswell}, {@code zen4}, {@code armv8.2_2}), or
 *     {@code built in} when the build links its CPU backend into libggml
 */
record BuildInfo(String version, String ggmlVersion, String commit, String origin, Path dir, List<String> backends,
        String cpuVariant, List<Device> devices, boolean gpuOffload, String systemInfo) {

    /** A device of ggml's registry ({@code ggml_backend_dev_*}); memory in bytes. */
    record Device(String name, String description, String type, long memoryTotal, long memoryFree) {
        boolean gpu() {
            return type.equals("gpu") || type.equals("igpu");
        }

        Map<String, Object> record() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("description", description);
            m.put("type", type);
            m.put("memoryTotal", memoryTotal);
            m.put("memoryFree", memoryFree);
            return m;
        }
    }

    private static final List<String> DEVICE_TYPES = List.of("cpu", "gpu", "igpu", "accel", "meta");

    static BuildInfo read(LlamaCpp l) {
        List<Device> devices = new ArrayList<>();
        boolean offload;
        try (Arena arena = Arena.ofConfined()) {
            long n = (long) l.backendDevCount.invokeExact();
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            for (long i = 0; i < n; i++) {
                MemorySegment dev = (MemorySegment) l.backendDevGet.invokeExact(i);
                String name = cString((MemorySegment) l.backendDevName.invokeExact(dev));
                String description = cString((MemorySegment) l.backendDevDescription.invokeExact(dev));
                int type = (int) l.backendDevType.invokeExact(dev);
                l.backendDevMemory.invokeExact(dev, free, total);
                devices.add(new Device(name, description.strip(), type >= 0 && type < DEVICE_TYPES.size()
                        ? DEVICE_TYPES.get(type) : "type " + type, total.get(JAVA_LONG, 0), free.get(JAVA_LONG, 0)));
            }
            offload = (boolean) l.supportsGpuOffload.invokeExact();
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        Path dir = l.folder().dir();
        List<String> backends = mappedBackends(dir);
        String cpu = "built in";
        for (String b : backends) if (b.startsWith("cpu-")) cpu = b.substring(4);
        String sys = LlamaCpp.string(l.printSystemInfo).strip();
        return new BuildInfo(LlamaCpp.string(l.version), LlamaCpp.string(l.ggmlVersion), LlamaCpp.string(l.ggmlCommit),
                l.folder().origin(), dir, backends, cpu, List.copyOf(devices), offload, sys);
    }

    /**
     * The backend libraries of {@code dir} this process has mapped, from {@code /proc/self/maps}:
     * ggml's loader tries every {@code libggml-cpu-*} variant, scores it against the CPU and unloads all
     * but the best, so what stays mapped is what runs. Empty where there is no {@code /proc}.
     */
    private static List<String> mappedBackends(Path dir) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return List.of();
        TreeSet<String> found = new TreeSet<>();
        String prefix = dir.toString() + "/libggml-";
        try {
            for (String line : Files.readAllLines(maps)) {
                int at = line.indexOf(prefix);
                if (at < 0) continue;
                String file = line.substring(at + prefix.length());
                int dot = file.indexOf(".so");
                String name = dot < 0 ? file : file.substring(0, dot);
                if (!name.equals("base") && !name.startsWith("base.")) found.add(name);
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(found);
    }

    private static String cString(MemorySegment s) {
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    }

    /** The build as the manifest records it ({@code ModelInfo.details}). */
    Map<String, Object> record() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("ggmlVersion", ggmlVersion);
        m.put("commit", commit);
        m.put("origin", origin);
        m.put("folder", dir.toString());
        m.put("backends", backends);
        m.put("cpuVariant", cpuVariant);
        m.put("gpuOffload", gpuOffload);
        m.put("devices", devices.stream().map(Device::record).toList());
        return m;
    }

    List<Device> gpus() {
        return devices.stream().filter(Device::gpu).toList();
    }
}
