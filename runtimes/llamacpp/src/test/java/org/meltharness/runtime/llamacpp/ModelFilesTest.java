package org.meltharness.runtime.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.SharedFiles;
import org.meltharness.model.HubClient;
import org.meltharness.runtime.ModelSource;
import org.meltharness.runtime.RuntimeConfig;

/** Which file a model and a quantisation mean: local files and folders, the cache, and a hub repository. */
class ModelFilesTest {
    private static final String REPO = "someone/stories260K-GGUF";

    @TempDir
    Path cache;

    private static RuntimeConfig config(ModelSource source, String quant, Path cache) {
        return new RuntimeConfig(source, quant, 0, cache, false, Map.of());
    }

    @Test
    void localFilesFoldersAndTheirDefaults() {
        var provider = new LlamaCppRuntimeProvider();
        assertTrue(provider.accepts(ModelSource.local(TestModels.f32())));
        assertTrue(provider.accepts(ModelSource.local(TestModels.gguf())));
        assertTrue(provider.accepts(ModelSource.local(SharedFiles.stories260kPad192())), "a Hugging Face folder it converts");
        assertTrue(!provider.accepts(ModelSource.local(SharedFiles.root().resolve("models/shapes/stories15m"))),
                "a config without weights");
        assertEquals("f32", provider.defaultQuantization(ModelSource.local(TestModels.gguf())), "the most precise file");
        assertEquals("q4_0", provider.defaultQuantization(ModelSource.local(TestModels.q4())));
        var r = ModelFiles.resolve(config(ModelSource.local(TestModels.gguf()), "q8", cache), TestModels.lib());
        assertEquals(TestModels.q8(), r.file());
        assertEquals("q8_0", r.quant());
    }

    @Test
    void aHuggingFaceFolderIsConvertedAndQuantisedOnceIntoTheCache() {
        var source = ModelSource.local(SharedFiles.stories260kPad192());
        var first = ModelFiles.resolve(config(source, "q4_0", cache), TestModels.lib());
        assertEquals("q4_0", first.quant());
        assertTrue(first.file().startsWith(cache.resolve("llamacpp")), first.toString());
        assertEquals(SharedFiles.stories260kPad192(), first.given());
        assertTrue(first.details().containsKey("convertedFrom") && first.details().containsKey("quantizedFrom"));
        long made = first.file().toFile().lastModified();
        var again = ModelFiles.resolve(config(source, "q4_0", cache), TestModels.lib());
        assertEquals(first.file(), again.file());
        assertEquals(made, again.file().toFile().lastModified(), "reused, not made again");
    }

    @Test
    void aHubRepositoryGivesTheFileOfTheAskedType() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            requests.add(path);
            if (path.equals("/api/models/" + REPO + "/revision/main")) {
                StringBuilder json = new StringBuilder("{\"siblings\":[{\"rfilename\":\"README.md\"}");
                for (String q : List.of("Q8_0", "Q4_0")) {
                    Path f = file(q);
                    json.append(",{\"rfilename\":\"stories260K.").append(q).append(".gguf\",\"size\":").append(Files.size(f))
                            .append(",\"lfs\":{\"sha256\":\"").append(org.meltharness.io.Hashing.sha256(f))
                            .append("\",\"size\":").append(Files.size(f)).append("}}");
                }
                send(ex, 200, json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/" + REPO + "/resolve/main/stories260K.")) {
                String q = path.substring(path.lastIndexOf("stories260K.") + 12, path.length() - 5);
                send(ex, 200, Files.readAllBytes(file(q)));
            } else {
                send(ex, 404, new byte[0]);
            }
        });
        server.start();
        var saved = ModelFiles.hubClients;
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            ModelFiles.hubClients = (dir, offline) -> new HubClient(endpoint, null, dir, offline);
            var source = new ModelSource(REPO, null, Map.of("gguf", REPO), "main", null);
            var provider = new LlamaCppRuntimeProvider();
            assertTrue(provider.accepts(source));
            var q4 = ModelFiles.resolve(config(source, "q4_0", cache), TestModels.lib());
            assertEquals("stories260K.Q4_0.gguf", q4.file().getFileName().toString());
            assertEquals(-1L, Files.mismatch(q4.file(), TestModels.q4()));
            var q8 = ModelFiles.resolve(config(source, null, cache), TestModels.lib());
            assertEquals("stories260K.Q8_0.gguf", q8.file().getFileName().toString(), "q8_0 is the hub default");
            assertTrue(requests.stream().noneMatch(p -> p.endsWith("README.md")), requests.toString());
            try (var rt = provider.open(config(source, "q8_0", cache))) {
                assertEquals("q8_0", rt.info().weightDtype());
                assertEquals(REPO + "@main", rt.info().details().get("hubRepo"));
            }
        } finally {
            ModelFiles.hubClients = saved;
            server.stop(0);
        }
    }

    private static Path file(String q) {
        return TestModels.gguf().resolve("stories260K-pad192-" + q.toLowerCase(java.util.Locale.ROOT) + ".gguf");
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }
}
