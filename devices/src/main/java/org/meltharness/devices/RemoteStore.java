package org.meltharness.devices;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.meltharness.HarnessException;
import org.meltharness.io.Hashing;

/**
 * The harness's folder on an SSH device: files stored once by their sha256 under {@code blobs/},
 * and {@code trees/<kind>-<hash>/} of symbolic links giving them their names (a model folder, a
 * data folder, the class path), so a second run with the same jars, model and data copies nothing.
 */
final class RemoteStore {
    private static final Duration SHORT = Duration.ofSeconds(60);

    /** A local file and the name it has inside its tree. */
    record Item(String name, Path file) {}

    private final SshConnection ssh;
    private final String root;
    private final PrintWriter err;

    private RemoteStore(SshConnection ssh, String root, PrintWriter err) {
        this.ssh = ssh;
        this.root = root;
        this.err = err;
    }

    /** The store at {@code dir} on the device (default {@code ~/.cache/melt-harness/device}), created when missing. */
    static RemoteStore open(SshConnection ssh, String dir, PrintWriter err) throws IOException {
        String where = dir == null ? "\"$HOME\"/.cache/melt-harness/device"
                : dir.startsWith("~/") ? "\"$HOME\"/" + Shell.quote(dir.substring(2)) : Shell.quote(dir);
        var r = ssh.check("create the harness folder " + (dir == null ? "~/.cache/melt-harness/device" : dir),
                "mkdir -p " + where + "/blobs " + where + "/trees " + where + "/runs && cd " + where + " && pwd -P", SHORT);
        String root = r.out().strip();
        if (root.isEmpty() || root.contains("\n")) throw HarnessException.usage("unexpected answer from the device: " + r.out());
        return new RemoteStore(ssh, root, err);
    }

    String root() {
        return root;
    }

    /**
     * The {@code java} to run on the device and its version line: the profile's JDK, else
     * {@code $JAVA_HOME/bin/java}, else {@code java} on the device's PATH; it must be 25 or later.
     */
    String[] java(String jdk) throws IOException {
        String pick = jdk != null
                ? "j=" + (jdk.startsWith("~/") ? "\"$HOME\"/" + Shell.quote(jdk.substring(2)) : Shell.quote(jdk))
                : "if [ -n \"$JAVA_HOME\" ] && [ -x \"$JAVA_HOME/bin/java\" ]; then j=\"$JAVA_HOME/bin/java\"; else j=$(command -v java); fi";
        var r = ssh.exec(pick + "; [ -d \"$j\" ] && j=\"$j/bin/java\"; "
                + "if [ -z \"$j\" ] || [ ! -x \"$j\" ]; then echo \"no java ${j:+at $j }on the device\" >&2; exit 3; fi; "
                + "echo \"$j\"; \"$j\" -version 2>&1 | head -n 1", SHORT);
        if (r.exit() != 0) {
            throw HarnessException.usage(ssh.target().display() + ": " + r.why() + "; install JDK 25 there and name it in the "
                    + "device profile (jdk: /path/to/jdk) or with --device-option java=/path/to/jdk");
        }
        String[] lines = r.out().strip().split("\n");
        String version = lines.length > 1 ? lines[1].strip() : "";
        var m = java.util.regex.Pattern.compile("version \"(\\d+)").matcher(version);
        if (!m.find() || Integer.parseInt(m.group(1)) < 25) {
            throw HarnessException.usage(ssh.target().display() + ": " + lines[0] + " is " + (version.isEmpty() ? "not a JDK" : version)
                    + "; the harness needs JDK 25 or later: name one in the device profile (jdk: /path/to/jdk) or with "
                    + "--device-option java=/path/to/jdk");
        }
        return new String[] {lines[0].strip(), version};
    }

    /**
     * Copies what the device does not have yet and returns the tree's folder on the device.
     *
     * @param kind names the tree ({@code model}, {@code data}, {@code jars}); the items keep their order
     */
    String tree(String kind, List<Item> items) throws IOException {
        List<String> shas = new ArrayList<>();
        StringBuilder listing = new StringBuilder();
        for (Item i : items) {
            String sha = Hashing.sha256(i.file());
            shas.add(sha);
            listing.append(i.name()).append('\t').append(sha).append('\n');
        }
        String dir = root + "/trees/" + kind + "-" + Hashing.sha256(listing.toString()).substring(0, 20);
        if (ssh.exec("test -f " + Shell.quote(dir + ".done"), SHORT).exit() == 0) return dir;
        Set<String> missing = missing(new LinkedHashSet<>(shas));
        for (int k = 0; k < items.size(); k++) {
            if (missing.remove(shas.get(k))) upload(items.get(k), shas.get(k));
        }
        StringBuilder script = new StringBuilder("set -e; rm -rf " + Shell.quote(dir) + "; mkdir -p " + Shell.quote(dir) + "; cd "
                + Shell.quote(dir) + "; ");
        for (int k = 0; k < items.size(); k++) {
            String name = items.get(k).name();
            int slash = name.lastIndexOf('/');
            if (slash > 0) script.append("mkdir -p ").append(Shell.quote(name.substring(0, slash))).append("; ");
            script.append("ln -s ").append(Shell.quote(root + "/blobs/" + shas.get(k))).append(' ').append(Shell.quote(name)).append("; ");
        }
        script.append("touch ").append(Shell.quote(dir + ".done"));
        ssh.check("lay out " + kind + " files", script.toString(), SHORT);
        return dir;
    }

    private Set<String> missing(Set<String> shas) throws IOException {
        if (shas.isEmpty()) return shas;
        var r = ssh.check("list stored files", "cd " + Shell.quote(root + "/blobs") + " && for s in " + String.join(" ", shas)
                + "; do [ -f \"$s\" ] || echo \"$s\"; done", SHORT);
        Set<String> out = new LinkedHashSet<>();
        for (String line : r.out().split("\n")) if (!line.isBlank()) out.add(line.strip());
        return out;
    }

    /** One file, written beside its final name, checked with the device's sha256sum, then renamed into place. */
    private void upload(Item item, String sha) throws IOException {
        long bytes = Files.size(item.file());
        err.printf(Locale.ROOT, "harness: copying %s (%s) to %s%n", item.file(), human(bytes), ssh.target().display());
        String tmp = ".up." + sha + ".$$";
        String cmd = "cd " + Shell.quote(root + "/blobs") + " && t=" + tmp + " && cat > \"$t\" && s=$(sha256sum \"$t\" | cut -d ' ' -f 1)"
                + " && if [ \"$s\" = " + sha + " ]; then mv \"$t\" " + sha + "; else rm -f \"$t\"; echo \"copy arrived as $s\" >&2; exit 9; fi";
        // Slow links (a Pi on Wi-Fi) get time in proportion to the size: at least 256 KiB/s.
        Duration limit = SHORT.plusSeconds(bytes / (256 * 1024));
        SshConnection.Result r;
        try (InputStream in = Files.newInputStream(item.file())) {
            r = ssh.exec(cmd, in, limit);
        }
        if (r.exit() != 0) throw HarnessException.usage("cannot copy " + item.file() + " to " + ssh.target().display() + ": " + r.why());
    }

    static String human(long bytes) {
        if (bytes < 1 << 20) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
