package org.meltharness.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;
import org.meltharness.SharedFiles;
import org.meltharness.io.Hashing;

/** The hub client against a loopback server that serves the real stories260K files. */
class HubClientTest {
    private static final String REPO = "karpathy/stories260K";
    private static final String SECRET = "hf_secret_token_123";
    private static final Predicate<String> JLAMA = name -> name.endsWith(".safetensors")
            || Set.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                    "special_tokens_map.json", "model.safetensors.index.json").contains(name);

    @TempDir
    Path cache;

    private HttpServer server;
    private URI endpoint;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile boolean requireToken;
    /** A file name the listing adds, as a hostile or broken hub would. */
    private volatile String extraSibling;

    @BeforeEach
    void start() throws IOException {
        Path model = SharedFiles.stories260k();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().getPath());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            if (requireToken && !("Bearer " + SECRET).equals(auth)) {
                send(exchange, 401, "{\"error\":\"Invalid credentials\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/models/" + REPO + "/revision/main")) {
                StringBuilder json = new StringBuilder("{\"id\":\"" + REPO + "\",\"sha\":\"abc\",\"siblings\":[");
                try (Stream<Path> s = Files.list(model)) {
                    for (Path p : s.sorted().toList()) {
                        String name = p.getFileName().toString();
                        json.append("{\"rfilename\":\"").append(name).append('"');
                        if (name.endsWith(".safetensors")) {
                            json.append(",\"size\":").append(Files.size(p)).append(",\"lfs\":{\"sha256\":\"")
                                    .append(Hashing.sha256(p)).append("\",\"size\":").append(Files.size(p)).append('}');
                        }
                        json.append("},");
                    }
                }
                if (extraSibling != null) json.append("{\"rfilename\":").append(new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(extraSibling)).append("},");
                json.append("{\"rfilename\":\"pytorch_model.bin\"}]}");
                send(exchange, 200, json.toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/" + REPO + "/resolve/main/")) {
                Path file = model.resolve(path.substring(("/" + REPO + "/resolve/main/").length()));
                if (Files.isRegularFile(file)) send(exchange, 200, Files.readAllBytes(file));
                else send(exchange, 404, new byte[0]);
            } else {
                send(exchange, 404, "{\"error\":\"Repository not found\"}".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsTheWantedFilesOnceIntoTheCache() throws IOException {
        Path dir = new HubClient(endpoint, null, cache, false).resolve(REPO, "main", JLAMA);
        assertEquals(cache.resolve("hub/karpathy--stories260K/main"), dir);
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                "special_tokens_map.json", "model.safetensors")) {
            assertArrayEquals(Files.readAllBytes(SharedFiles.stories260k().resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        assertFalse(Files.exists(dir.resolve("README.md")));
        assertFalse(Files.exists(dir.resolve("pytorch_model.bin")));
        assertFalse(requests.stream().anyMatch(r -> r.endsWith("README.md") || r.endsWith(".bin")));

        int before = requests.size();
        assertEquals(dir, new HubClient(endpoint, null, cache, false).resolve(REPO, "main", JLAMA));
        assertEquals(before, requests.size(), "a complete revision is not fetched again");
        assertEquals(dir, new HubClient(endpoint, null, cache, true).resolve(REPO, "main", JLAMA));
    }

    @Test
    void aRelativeCacheFolderWorks() throws IOException {
        // HARNESS_CACHE_DIR=./cache: the folder is compared with the files' paths as they are, not normalized.
        Path relative = Path.of("./target/hub-cache-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Path dir = new HubClient(endpoint, null, relative, false).resolve(REPO, "main", JLAMA);
            assertArrayEquals(Files.readAllBytes(SharedFiles.stories260k().resolve("model.safetensors")),
                    Files.readAllBytes(dir.resolve("model.safetensors")));
        } finally {
            if (Files.exists(relative)) try (Stream<Path> s = Files.walk(relative)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void aListedNameOutsideTheRepositoryFolderIsRefusedInOneLine() throws IOException {
        Path victim = Files.writeString(cache.resolve("victim.json"), "mine");
        for (String name : List.of("../../../../victim.json", victim.toString(), "sub/../../../../../victim.json")) {
            extraSibling = name;
            requests.clear();
            HarnessException e = assertThrows(HarnessException.class,
                    () -> new HubClient(endpoint, null, cache, false).resolve(REPO, "main", n -> true));
            assertEquals(HarnessException.BAD_DATA, e.exitCode());
            assertEquals(REPO + " lists a file outside its folder: " + name, e.getMessage());
            assertEquals("mine", Files.readString(victim));
        }
    }

    @Test
    void offlineWithoutACopyFailsClearly() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> new HubClient(endpoint, null, cache, true).resolve(REPO, "main", JLAMA));
        assertEquals(HarnessException.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().contains("is not in the cache"), e.getMessage());
        assertTrue(requests.isEmpty(), "offline means no request");
    }

    @Test
    void aGatedRepositoryNeedsTheToken() {
        requireToken = true;
        HarnessException e = assertThrows(HarnessException.class,
                () -> new HubClient(endpoint, null, cache, false).resolve(REPO, "main", JLAMA));
        assertEquals(HarnessException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("set HF_TOKEN"), e.getMessage());

        HarnessException wrong = assertThrows(HarnessException.class,
                () -> new HubClient(endpoint, "hf_wrong", cache, false).resolve(REPO, "main", JLAMA));
        assertTrue(wrong.getMessage().contains("the token in HF_TOKEN has no access"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("hf_wrong"), "the token is never shown");

        Path dir = new HubClient(endpoint, SECRET, cache, false).resolve(REPO, "main", JLAMA);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertTrue(authorizations.contains("Bearer " + SECRET));
    }

    @Test
    void unknownRepositoriesAndBadIds() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> new HubClient(endpoint, null, cache, false).resolve("nobody/nothing", "main", JLAMA));
        assertTrue(e.getMessage().contains("no repository nobody/nothing"), e.getMessage());
        assertThrows(HarnessException.class, () -> new HubClient(endpoint, null, cache, false).resolve("../x", "main", JLAMA));
    }

    @Test
    void anUnreachableEndpointSaysSo() {
        server.stop(0);
        HarnessException e = assertThrows(HarnessException.class,
                () -> new HubClient(endpoint, null, cache, false).resolve(REPO, "main", JLAMA));
        assertTrue(e.getMessage().startsWith("cannot reach " + endpoint), e.getMessage());
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) exchange.getResponseBody().write(body);
        exchange.close();
    }
}
