package org.meltharness.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meltharness.io.Json;

/** The JVM flags a manifest records: kept for provenance, but never with the secrets HARNESS_JAVA_OPTS may carry. */
class EnvironmentTest {
    /** Prints what {@link Environment#capture()} records, as a manifest would hold it. */
    public static final class Capture {
        public static void main(String[] args) {
            System.out.println(Json.line(Environment.capture()));
        }
    }

    @Test
    void secretsInJvmFlagsAreRedactedInTheCapturedEnvironment() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-Ddb.password=hunter2", "-Dhf.token=hf_abcdef",
                "-Djavax.net.ssl.keyStorePassword=changeit", "-Dmy.api_key=sk-123", "-DCLIENT_SECRET=s3cr3t",
                "-Daws.credentials=AKIA", "-Dhttp.proxy=http://me:pw@proxy.local:3128", "-Dharness.git.commit=abc123",
                "-cp", System.getProperty("java.class.path"), Capture.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        for (String secret : List.of("hunter2", "hf_abcdef", "changeit", "sk-123", "s3cr3t", "AKIA", "me:pw")) {
            assertFalse(out.contains(secret), secret + " reached the manifest: " + out);
        }
        assertTrue(out.contains("-Ddb.password=<redacted>"), out);
        assertTrue(out.contains("-Dhttp.proxy=http://<redacted>@proxy.local:3128"), out);
        // What is not a secret stays, so that the manifest still says how the JVM ran.
        assertTrue(out.contains("-Xmx64m") && out.contains("-Dharness.git.commit=abc123"), out);
    }

    @Test
    void onlySecretLookingValuesChange() {
        assertEquals(List.of("-Xmx2g", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-DPassword=<redacted>",
                        "-Dx.token=<redacted>", "-Dempty.secret=<redacted>"),
                Environment.redact(List.of("-Xmx2g", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true", "-DPassword=a=b",
                        "-Dx.token=t", "-Dempty.secret=")));
    }
}
