package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real OpenSSH server (Debian's openssh-server) on 127.0.0.1 and a free port, with a throwaway
 * host key, user key, authorized_keys and known_hosts in a temporary folder.
 */
final class LoopbackSshd implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    final Path dir;
    final int port;
    final Path userKey;
    final Path knownHosts;
    private final Process process;

    private LoopbackSshd(Path dir, int port, Path userKey, Path knownHosts, Process process) {
        this.dir = dir;
        this.port = port;
        this.userKey = userKey;
        this.knownHosts = knownHosts;
        this.process = process;
    }

    static LoopbackSshd start(Path dir) throws Exception {
        return start(dir, List.of());
    }

    /** @param extraConfig more sshd_config lines (a {@code ForceCommand} that stands for a device that lies) */
    static LoopbackSshd start(Path dir, List<String> extraConfig) throws Exception {
        if (!Files.isExecutable(SSHD)) {
            fail("OpenSSH's sshd is not installed (" + SSHD + "): run scripts/install-sshd.sh (Debian's openssh-server)");
        }
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id_ed25519").toString());
        Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] hostPub = Files.readString(dir.resolve("host_key.pub")).strip().split(" ");
        Path known = dir.resolve("known_hosts");
        Files.writeString(known, "[127.0.0.1]:" + port + " " + hostPub[0] + " " + hostPub[1] + "\n");
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "LogLevel ERROR",
                String.join("\n", extraConfig),
                "") );
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege-separation folder
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        // Ready when it accepts connections (or failed to start: then its log says why).
        while (true) {
            if (!p.isAlive()) fail("sshd did not start: " + Files.readString(dir.resolve("sshd.log")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                break;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return new LoopbackSshd(dir, port, dir.resolve("id_ed25519"), known, p);
    }

    String address() {
        return "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port;
    }

    /** The per-connection sshd processes: killing them drops every open connection, as a lost link does. */
    List<ProcessHandle> sessions() {
        return process.toHandle().children().toList();
    }

    void killSessions() {
        for (ProcessHandle h : sessions()) h.destroyForcibly();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) fail(String.join(" ", command) + " failed: " + out);
    }
}
