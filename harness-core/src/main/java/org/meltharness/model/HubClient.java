package org.meltharness.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.meltharness.HarnessException;
import org.meltharness.data.Downloader;
import org.meltharness.io.AtomicFiles;

/**
 * Fetches the files of a Hugging Face hub repository that a runtime needs into
 * {@code <cacheDir>/hub/<org>--<name>/<revision>/}. A revision is fetched once: a folder holding
 * {@value #COMPLETE} is used as it is, online or offline, so pin a commit to follow upstream changes.
 *
 * <p>The endpoint is {@code HF_ENDPOINT} (default {@code https://huggingface.co}); {@code HF_TOKEN},
 * when set, is sent as a bearer token and never written anywhere.
 */
public final class HubClient {
    static final String COMPLETE = ".complete";
    private static final Pattern REPO_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String token;
    private final Path cacheDir;
    private final boolean offline;

    /**
     * @param token a bearer token, or null
     */
    public HubClient(URI endpoint, String token, Path cacheDir, boolean offline) {
        String e = endpoint.toString();
        this.endpoint = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.cacheDir = cacheDir;
        this.offline = offline;
    }

    /** A client for {@code HF_ENDPOINT} and {@code HF_TOKEN} from the environment. */
    public static HubClient fromEnvironment(Path cacheDir, boolean offline) {
        String endpoint = System.getenv("HF_ENDPOINT");
        return new HubClient(URI.create(endpoint == null || endpoint.isBlank() ? "https://huggingface.co" : endpoint),
                System.getenv("HF_TOKEN"), cacheDir, offline);
    }

    /**
     * The local folder holding the files of {@code repo} at {@code revision} whose names {@code wanted}
     * accepts, downloaded first unless already there.
     */
    public Path resolve(String repo, String revision, Predicate<String> wanted) {
        if (!REPO_ID.matcher(repo).matches()) throw HarnessException.usage("'" + repo + "' is not a hub repository id (org/name)");
        if (revision == null || revision.isBlank()) throw HarnessException.usage("no revision for " + repo);
        Path dir = cacheDir.resolve("hub").resolve(repo.replace("/", "--")).resolve(URLEncoder.encode(revision,
                StandardCharsets.UTF_8));
        if (Files.isRegularFile(dir.resolve(COMPLETE))) return dir;
        if (offline) {
            throw HarnessException.badData(repo + "@" + revision + " is not in the cache (" + dir + ") and --offline "
                    + "forbids downloading it; run once online or pass a local folder");
        }
        List<RemoteFile> files = list(repo, revision).stream().filter(f -> wanted.test(f.name())).toList();
        if (files.isEmpty()) {
            throw HarnessException.unsupportedModel(repo + "@" + revision + " has none of the files this runtime needs");
        }
        Map<String, String> headers = headers();
        StringBuilder manifest = new StringBuilder();
        for (RemoteFile f : files) {
            Path target = WeightFiles.inside(dir, f.name());
            if (target == null) throw HarnessException.badData(repo + " lists a file outside its folder: " + f.name());
            new Downloader().download(fileUri(repo, revision, f.name()), target, f.sha256(), f.bytes(), headers);
            manifest.append(f.name()).append('\n');
        }
        AtomicFiles.write(dir.resolve(COMPLETE), manifest.toString());
        return dir;
    }

    /** A file as the hub lists it; sha256 and size are known for LFS files only. */
    record RemoteFile(String name, String sha256, long bytes) {}

    private List<RemoteFile> list(String repo, String revision) {
        URI uri = URI.create(endpoint + "/api/models/" + repo + "/revision/" + segment(revision) + "?blobs=true");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        headers().forEach(request::header);
        HttpResponse<byte[]> response;
        try (HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build()) {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw HarnessException.badData("cannot reach " + endpoint + " to list " + repo + " (" + why
                    + "; no network?); download it on a connected machine and pass the folder", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessException.INTERRUPTED, "interrupted while listing " + repo);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw HarnessException.usage(endpoint + " refused " + repo + " (HTTP " + status + "): "
                    + (token == null ? "set HF_TOKEN to a token with access to it" : "the token in HF_TOKEN has no access to it"));
        }
        if (status == 404) throw HarnessException.usage("no repository " + repo + " at revision " + revision + " on " + endpoint);
        if (status != 200) throw HarnessException.badData(endpoint + " answered HTTP " + status + " when listing " + repo);
        try {
            JsonNode siblings = JSON.readTree(response.body()).path("siblings");
            List<RemoteFile> out = new ArrayList<>();
            for (JsonNode s : siblings) {
                String name = s.path("rfilename").asText("");
                if (name.isEmpty()) continue;
                JsonNode lfs = s.path("lfs");
                out.add(new RemoteFile(name, lfs.path("sha256").isTextual() ? lfs.path("sha256").asText() : null,
                        lfs.path("size").isNumber() ? lfs.path("size").asLong() : s.path("size").asLong(-1)));
            }
            return out;
        } catch (IOException e) {
            throw HarnessException.badData(endpoint + " listed " + repo + " in a form not understood: " + e.getMessage(), e);
        }
    }

    private URI fileUri(String repo, String revision, String file) {
        StringBuilder path = new StringBuilder();
        for (String part : file.split("/")) path.append('/').append(segment(part));
        return URI.create(endpoint + "/" + repo + "/resolve/" + segment(revision) + path);
    }

    private Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        if (token != null) h.put("Authorization", "Bearer " + token);
        return h;
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
