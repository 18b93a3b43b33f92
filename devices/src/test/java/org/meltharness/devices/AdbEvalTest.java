package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.results.JsonlLog;
import org.meltharness.results.SampleRecord;

/**
 * The adb path end to end on this machine: adb is a script that runs "the phone's" shell here (its
 * /data/local/tmp a temporary folder), and the pushed "llama-server" is {@code harness serve} on the
 * real stories260K model; the harness pushes, starts, forwards, waits for /health, evaluates
 * through the HTTP runtime and stops the server again.
 */
class AdbEvalTest {
    private static final Path SHARED = Path.of(System.getProperty("harness.shared", "../shared"));

    @TempDir
    Path tmp;

    private static Path script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void evalThroughAServerPushedAndStartedOverAdb() throws Exception {
        Path phone = Files.createDirectories(tmp.resolve("phone"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        script(bin.resolve("adb"), String.join("\n",
                "#!/bin/sh",
                "echo \"$*\" >> " + tmp.resolve("adb.log"),
                "[ \"$1\" = -s ] && shift 2",
                "case \"$1\" in",
                "  devices) printf 'List of devices attached\\nFAKE0001\\tdevice\\n\\n' ;;",
                "  shell) shift; exec sh -c \"$(printf '%s' \"$*\" | sed 's#/data/local/tmp#" + phone + "#g')\" ;;",
                "  push) d=$(printf '%s' \"$3\" | sed 's#/data/local/tmp#" + phone + "#g'); mkdir -p \"$(dirname \"$d\")\"; cp \"$2\" \"$d\"; "
                        + "echo \"$2: 1 file pushed\" ;;",
                "  forward) ;;",
                "  *) echo \"adb: unknown command $1\" >&2; exit 1 ;;",
                "esac",
                ""));
        // llama-server's options as the harness passes them; it serves the model under the .gguf's name. Its path
        // stays on its command line ("$0"), as a native llama-server's argv[0] does: the harness checks it before it stops it.
        Path server = script(tmp.resolve("llama-server"), String.join("\n",
                "#!/bin/sh",
                "echo $$ > " + tmp.resolve("server-started.pid"),
                "while [ $# -gt 0 ]; do case \"$1\" in --port) port=$2; shift ;; esac; shift; done",
                "exec " + java + " -Dharness.test.server=\"$0\" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -cp '" + cp
                        + "' org.meltharness.cli.Main serve --model " + SHARED.resolve("models/stories260K/hf-pad192") + " --runtime jlama"
                        + " --name model.gguf --port \"$port\" --cache-dir " + tmp.resolve("cache"),
                ""));
        Path model = Files.writeString(tmp.resolve("model.gguf"), "stands for the GGUF the phone's server loads");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp", cp, "org.meltharness.cli.Main",
                "eval", "--device", "adb:FAKE0001", "--runtime", "http", "--server", server.toString(), "--model", model.toString(),
                "--device-option", "port=" + port, "--task", "arc_easy", "--limit", "5", "--data-dir", SHARED.resolve("datasets").toString(),
                "--output", tmp.resolve("results").toString(), "--cache-dir", tmp.resolve("cache").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("ADB");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        String adbLog = Files.readString(tmp.resolve("adb.log"));
        assertEquals(0, code, output + "\nadb calls:\n" + adbLog);
        assertTrue(adbLog.contains("forward tcp:" + port + " tcp:" + port), adbLog);
        assertTrue(adbLog.contains("forward --remove tcp:" + port), adbLog);
        assertTrue(adbLog.lines().anyMatch(l -> l.contains(" push " + model)), adbLog);
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertEquals(5, JsonlLog.read(run.resolve("samples-arc_easy.jsonl"), SampleRecord.class).size());
        assertTrue(Files.isRegularFile(run.resolve("device-timeseries.csv")), output);
        // The server was stopped: its pid no longer runs.
        long pid = Long.parseLong(Files.readString(tmp.resolve("server-started.pid")).strip());
        try (Stream<Path> s = Files.list(phone.resolve("melt-harness"))) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".pid")), "the run's pid file is gone with its server");
        }
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "the server was stopped");
    }
}
