package org.meltharness.measure;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * NVIDIA GPUs through one long-running {@code nvidia-smi --query-gpu=... -lms N}, whose lines are
 * read as they come: per GPU {@code gpuK} board power (W), temperature and {@code gpuK/sm} clock
 * (MHz). The query adds {@code index} after {@code timestamp} so lines of several GPUs are told apart.
 * A GPU that reports {@code [N/A]} for power is noted and gives no power channel.
 */
public final class NvidiaSmiMeter implements PowerMeter {
    public static final String NAME = "nvidia";
    static final List<String> QUERY = List.of(
            "--query-gpu=timestamp,index,power.draw,temperature.gpu,clocks.sm", "--format=csv,noheader,nounits");

    /**
     * NVML documents power.draw as a one-second average on Ampere and newer GPUs (power.draw.instant
     * exists on recent drivers only, and could not be tried here): said once per run.
     */
    static final String AVERAGING = "nvidia-smi power.draw is a 1 s average on Ampere and newer GPUs: a phase shorter than "
            + "that (a prefill) takes in power from around it";

    private final List<String> command;
    private final int gpus;
    private final String unavailable;
    private final Set<String> noted = new HashSet<>();
    private Process process;
    private BufferedReader lines;
    private String carried;

    private NvidiaSmiMeter(List<String> command, int gpus, String unavailable) {
        this.command = List.copyOf(command);
        this.gpus = gpus;
        this.unavailable = unavailable;
    }

    public static NvidiaSmiMeter open() {
        return open(List.of("nvidia-smi"));
    }

    /**
     * @param command how to run nvidia-smi, arguments excluded: {@code [nvidia-smi]}, a full path,
     *     or in tests {@code [sh, fake-nvidia-smi.sh]}
     */
    public static NvidiaSmiMeter open(List<String> command) {
        List<String> probe = new ArrayList<>(command);
        probe.addAll(List.of("--query-gpu=index", "--format=csv,noheader"));
        try {
            Processes.Result r = Processes.run(probe, Duration.ofSeconds(15));
            if (r.exitCode() != 0) {
                // "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver..."
                return new NvidiaSmiMeter(command, 0, "nvidia-smi failed (exit " + r.exitCode() + "): "
                        + Processes.firstLine(r.stdout(), r.stderr()));
            }
            int gpus = 0;
            for (String line : r.stdout().split("\n")) {
                if (line.strip().matches("\\d+")) gpus++;
            }
            if (gpus == 0) return new NvidiaSmiMeter(command, 0, "nvidia-smi lists no GPU");
            return new NvidiaSmiMeter(command, gpus, null);
        } catch (IOException e) {
            return new NvidiaSmiMeter(command, 0, "nvidia-smi not found or not runnable: " + Sampler.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NvidiaSmiMeter(command, 0, "interrupted while asking nvidia-smi for its GPUs");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Scope scope() {
        return Scope.ACCELERATOR;
    }

    @Override
    public Optional<String> whyUnavailable() {
        return Optional.ofNullable(unavailable);
    }

    /** How many GPUs nvidia-smi listed. */
    public int gpus() {
        return gpus;
    }

    @Override
    public boolean selfPaced() {
        return true;
    }

    @Override
    public synchronized void start(Duration period) throws IOException {
        if (process != null) throw new IllegalStateException("nvidia-smi is already running");
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(QUERY);
        cmd.addAll(List.of("-lms", Long.toString(Math.max(1, period.toMillis()))));
        // Its error messages come on the same stream, so they end up in the notes.
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        process.getOutputStream().close();
        lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** One line per GPU, read until every GPU has reported once (or one reports twice). */
    @Override
    public List<Reading> read(Consumer<String> notes) throws IOException {
        if (lines == null) throw new IllegalStateException("start() first");
        Map<Integer, String[]> batch = new LinkedHashMap<>();
        while (batch.size() < gpus) {
            String line = carried != null ? carried : lines.readLine();
            carried = null;
            if (line == null) {
                if (!batch.isEmpty()) break;
                throw new EOFException("nvidia-smi ended" + exitStatus());
            }
            String[] f = line.split(",");
            for (int i = 0; i < f.length; i++) f[i] = f[i].strip();
            if (f.length != 5 || !f[1].matches("\\d+")) {
                if (!line.isBlank()) notes.accept("nvidia-smi: " + line.strip());
                continue;
            }
            int gpu = Integer.parseInt(f[1]);
            if (batch.containsKey(gpu)) {
                carried = line; // the next round has begun: this line opens the next batch
                break;
            }
            batch.put(gpu, f);
        }
        List<Reading> out = new ArrayList<>();
        if (noted.add("averaging")) notes.accept(AVERAGING);
        for (var e : batch.entrySet()) {
            String gpu = "gpu" + e.getKey();
            String[] f = e.getValue();
            add(out, notes, gpu, "power.draw", f[2], Quantity.POWER);
            add(out, notes, gpu, "temperature.gpu", f[3], Quantity.TEMPERATURE);
            add(out, notes, gpu + "/sm", "clocks.sm", f[4], Quantity.FREQUENCY);
        }
        return out;
    }

    /** A value, or a note (once per GPU and field) when it is [N/A] or [Not Supported]. */
    private void add(List<Reading> out, Consumer<String> notes, String channel, String field, String value, Quantity q) {
        try {
            out.add(new Reading(channel, q, Double.parseDouble(value)));
        } catch (NumberFormatException e) {
            if (noted.add(channel + field)) notes.accept(channel + ": " + field + " is " + value + ", left out");
        }
    }

    private String exitStatus() {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) return " with exit code " + process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    @Override
    public synchronized void stop() {
        if (process == null) return;
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
