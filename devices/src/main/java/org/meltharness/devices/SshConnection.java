package org.meltharness.devices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.meltharness.HarnessException;

/**
 * One SSH client to one device (Apache MINA SSHD), its host key checked against known_hosts unless
 * the user opted out; the session is opened on first use and again after it dropped.
 */
final class SshConnection implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The most one command's output may have: answers are held in memory, and the device, not
     * this side, decides how much it sends ({@code head -c} on its side is a request, not a limit).
     */
    static final long MAX_ANSWER_BYTES = 64L << 20;

    /** user@host:port of an {@code ssh://} address. */
    record Target(String user, String host, int port) {
        static Target parse(String address) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(address);
            } catch (java.net.URISyntaxException e) {
                throw HarnessException.usage("not an ssh address: " + address + " (ssh://user@host[:port])");
            }
            if (uri.getHost() == null) throw HarnessException.usage("not an ssh address: " + address + " (ssh://user@host[:port])");
            String user = uri.getUserInfo() != null ? uri.getUserInfo() : System.getProperty("user.name");
            return new Target(user, uri.getHost(), uri.getPort() < 0 ? 22 : uri.getPort());
        }

        String display() {
            return user + "@" + host + (port == 22 ? "" : ":" + port);
        }

        /** The host as known_hosts and ssh-keyscan name it. */
        String knownHostsName() {
            return port == 22 ? host : "[" + host + "]:" + port;
        }
    }

    /** A finished remote command. */
    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The first line of stderr (else stdout): why the command failed, in one line. */
        String why() {
            for (String s : List.of(stderr, out())) {
                for (String line : s.split("\n")) if (!line.isBlank()) return line.strip();
            }
            return "exit code " + exit;
        }
    }

    /** The session dropped (or could not be opened) for a reason a reconnect may cure. */
    static final class Lost extends IOException {
        Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Target target;
    private final SshClient client;
    private final List<KeyPair> keys;
    private final List<Path> keyFiles;
    private final HostKeyCheck hostKeys;
    private ClientSession session;
    private int connects;

    private SshConnection(Target target, SshClient client, List<KeyPair> keys, List<Path> keyFiles, HostKeyCheck hostKeys) {
        this.target = target;
        this.client = client;
        this.keys = keys;
        this.keyFiles = keyFiles;
        this.hostKeys = hostKeys;
    }

    /**
     * A client for {@code target}, not yet connected.
     *
     * @param identity the key to log in with, or null for ~/.ssh/id_ed25519, id_ecdsa, id_rsa
     * @param knownHosts the known_hosts file, or null for $HARNESS_KNOWN_HOSTS, else ~/.ssh/known_hosts
     */
    static SshConnection create(Target target, Path identity, Path knownHosts, boolean insecure, PrintWriter err) {
        List<Path> files = new ArrayList<>();
        List<KeyPair> keys = loadKeys(identity, files);
        Path hosts = knownHosts;
        if (hosts == null) {
            String env = System.getenv("HARNESS_KNOWN_HOSTS");
            hosts = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        }
        if (insecure) {
            err.println("harness: warning: not checking the SSH host key of " + target.display()
                    + " (--insecure-skip-host-key-check): anyone on the network path can impersonate the device");
        }
        HostKeyCheck check = new HostKeyCheck(hosts, insecure);
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(check);
        // A dead link (Wi-Fi gone, device rebooted) is noticed within ~15 s instead of at the TCP timeout.
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(5));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        client.start();
        return new SshConnection(target, client, keys, files, check);
    }

    Target target() {
        return target;
    }

    /** The open session, connecting (again) when there is none. */
    synchronized ClientSession session() throws IOException {
        if (session != null && session.isOpen() && !session.isClosing()) return session;
        if (session != null) session.close(true);
        session = null;
        ClientSession s;
        try {
            s = client.connect(target.user(), target.host(), target.port()).verify(CONNECT_TIMEOUT).getSession();
        } catch (IOException e) {
            throw new Lost("cannot reach " + target.host() + ":" + target.port() + ": " + rootMessage(e), e);
        }
        for (KeyPair k : keys) s.addPublicKeyIdentity(k);
        try {
            s.auth().verify(CONNECT_TIMEOUT);
        } catch (IOException e) {
            s.close(true);
            hostKeys.failIfRejected(target);
            if (!s.isAuthenticated() && isAuthFailure(e)) {
                throw HarnessException.usage("ssh " + target.display() + ": the device accepted none of the keys "
                        + keyFiles + " (add the public key to its ~/.ssh/authorized_keys, or give --identity FILE)");
            }
            throw new Lost("ssh " + target.display() + ": " + rootMessage(e), e);
        }
        session = s;
        connects++;
        return s;
    }

    /** How many sessions were opened: more than one means the connection dropped and was made again. */
    synchronized int connects() {
        return connects;
    }

    /** Closes the session, as when the link drops; the next command reconnects. */
    synchronized void drop() {
        if (session != null) session.close(true);
        session = null;
    }

    /** Runs a command that needs no input. */
    Result exec(String command, Duration timeout) throws IOException {
        return exec(command, null, timeout);
    }

    /** Runs a command in the device's shell, feeding it {@code stdin} (then end of file) when not null. */
    Result exec(String command, InputStream stdin, Duration timeout) throws IOException {
        return exec(command, stdin, timeout, MAX_ANSWER_BYTES);
    }

    /** As {@link #exec(String, InputStream, Duration)}, refusing (in one line) an answer over {@code maxBytes}. */
    Result exec(String command, InputStream stdin, Duration timeout, long maxBytes) throws IOException {
        ClientSession s = session();
        try (ChannelExec ch = s.createExecChannel(command)) {
            Capped out = new Capped(maxBytes, () -> ch.close(true));
            Capped err = new Capped(maxBytes, () -> ch.close(true));
            ch.setOut(out);
            ch.setErr(err);
            if (stdin != null) ch.setIn(stdin);
            ch.open().verify(CONNECT_TIMEOUT);
            Set<ClientChannelEvent> events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (out.overflowed || err.overflowed) {
                throw HarnessException.badData(target.display() + " answered more than " + maxBytes + " bytes to one command; refused");
            }
            Integer code = ch.getExitStatus();
            if (code == null) {
                drop();
                throw new Lost(events.contains(ClientChannelEvent.CLOSED)
                        ? "the connection to " + target.display() + " dropped"
                        : "no answer from " + target.display() + " within " + timeout.toSeconds() + " s", null);
            }
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (Lost e) {
            throw e;
        } catch (IOException e) {
            drop();
            throw new Lost("the connection to " + target.display() + " failed: " + rootMessage(e), e);
        }
    }

    /** Output kept up to a cap; past it, the rest is dropped and the channel closed at once. */
    private static final class Capped extends ByteArrayOutputStream {
        private final long max;
        private final Runnable onOverflow;
        volatile boolean overflowed;

        Capped(long max, Runnable onOverflow) {
            this.max = max;
            this.onOverflow = onOverflow;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (overflowed) return;
            if (count + (long) len > max) {
                overflowed = true;
                onOverflow.run();
                return;
            }
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /** Like {@link #exec}, but a non-zero exit is an error saying which step failed and why. */
    Result check(String what, String command, Duration timeout) throws IOException {
        Result r = exec(command, timeout);
        if (r.exit() != 0) throw HarnessException.usage(target.display() + ": cannot " + what + ": " + r.why());
        return r;
    }

    @Override
    public void close() {
        drop();
        client.stop();
    }

    private static boolean isAuthFailure(IOException e) {
        String m = String.valueOf(rootMessage(e)).toLowerCase(java.util.Locale.ROOT);
        return m.contains("auth") || m.contains("no more authentication methods");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** The private keys to offer: the one named, or each readable default; an encrypted key is an error saying so. */
    private static List<KeyPair> loadKeys(Path identity, List<Path> files) {
        List<Path> candidates = new ArrayList<>();
        if (identity != null) {
            if (!Files.isRegularFile(identity)) throw HarnessException.usage("no SSH key at " + identity + " (--identity)");
            candidates.add(identity);
        } else {
            Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
            for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                if (Files.isRegularFile(ssh.resolve(n))) candidates.add(ssh.resolve(n));
            }
            if (candidates.isEmpty()) {
                throw HarnessException.usage("no SSH key: none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa exists; give one with --identity FILE");
            }
        }
        List<KeyPair> keys = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path f : candidates) {
            try (InputStream in = Files.newInputStream(f)) {
                Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(f.toString()), in,
                        FilePasswordProvider.EMPTY);
                if (loaded != null) loaded.forEach(keys::add);
                files.add(f);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add(f + ": " + rootMessage(e));
            }
        }
        if (keys.isEmpty()) {
            throw HarnessException.usage("cannot use SSH key " + String.join("; ", problems)
                    + " (keys with a passphrase are not supported: use an unencrypted key for the device)");
        }
        return keys;
    }

    /** known_hosts checking that remembers why it refused, so the user gets that reason in one line. */
    private static final class HostKeyCheck implements ServerKeyVerifier {
        private final Path file;
        private final boolean insecure;
        private final KnownHostsServerKeyVerifier known;
        private volatile String rejection;

        HostKeyCheck(Path file, boolean insecure) {
            this.file = file;
            this.insecure = insecure;
            this.known = new KnownHostsServerKeyVerifier(this::unknown, file);
            known.setModifiedServerKeyAcceptor(this::changed);
        }

        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
            if (insecure) return AcceptAllServerKeyVerifier.INSTANCE.verifyServerKey(session, remote, key);
            rejection = null;
            return known.verifyServerKey(session, remote, key);
        }

        private boolean unknown(ClientSession session, SocketAddress remote, PublicKey key) {
            rejection = "unknown";
            return false;
        }

        private boolean changed(ClientSession session, SocketAddress remote, KnownHostEntry entry, PublicKey expected, PublicKey actual) {
            rejection = "changed";
            return false;
        }

        void failIfRejected(Target t) {
            if ("unknown".equals(rejection)) {
                throw HarnessException.usage("the SSH host key of " + t.knownHostsName() + " is not in " + file
                        + "; check it and add it (ssh-keyscan" + (t.port() == 22 ? "" : " -p " + t.port()) + " " + t.host()
                        + " >> " + file + "), or name another file with --known-hosts");
            }
            if ("changed".equals(rejection)) {
                throw HarnessException.usage("the SSH host key of " + t.knownHostsName() + " differs from the one in " + file
                        + ": the device was reinstalled, or someone is intercepting the connection; refusing to connect");
            }
        }
    }
}
