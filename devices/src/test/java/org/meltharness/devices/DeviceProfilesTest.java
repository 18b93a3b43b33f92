package org.meltharness.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meltharness.HarnessException;

/** The shipped example profiles parse, and a bad profile is one line naming what is wrong. */
class DeviceProfilesTest {
    @Test
    void theExampleProfilesInTheRepositoryLoad() throws Exception {
        // Tests run in the module folder, which is also where the example profiles live.
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("."))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(3, files.size(), files.toString());
        for (Path f : files) {
            DeviceProfile p = DeviceProfiles.load(f);
            assertTrue(p.isSsh() || p.isAdb(), p.address());
        }
        DeviceProfile jetson = DeviceProfiles.load(Path.of("jetson-orin.yaml"));
        assertEquals("jetson-orin", jetson.name());
        assertEquals(List.of("jetson"), jetson.meters());
        assertEquals(45.0, jetson.cooldownTo());
        assertTrue(DeviceProfiles.load(Path.of("pixel8.yaml")).isAdb());
    }

    @Test
    void anUnknownKeyOrAddressIsOneLine(@TempDir Path tmp) throws Exception {
        Path typo = Files.writeString(tmp.resolve("typo.yaml"), "address: ssh://pi@rpi\ncooldown: 40\n");
        var e = assertThrows(HarnessException.class, () -> DeviceProfiles.load(typo));
        assertTrue(e.getMessage().contains("unknown key 'cooldown'"), e.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "address: pi@rpi\n");
        e = assertThrows(HarnessException.class, () -> DeviceProfiles.load(bad));
        assertTrue(e.getMessage().contains("neither ssh://"), e.getMessage());
        e = assertThrows(HarnessException.class, () -> DeviceProfiles.resolve("no-such-device"));
        assertTrue(e.getMessage().startsWith("no device 'no-such-device'"), e.getMessage());
    }

    @Test
    void aNameFindsItsProfileInTheHarnessCheckout(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("devices"));
        Files.writeString(tmp.resolve("devices/lab-pi.yaml"), "address: ssh://pi@10.0.0.7:2200\njdk: /opt/jdk-25\n");
        String before = System.getProperty("harness.home");
        System.setProperty("harness.home", tmp.toString()); // as the launcher sets it
        try {
            DeviceProfile p = DeviceProfiles.resolve("lab-pi");
            assertEquals("lab-pi", p.name());
            assertEquals("ssh://pi@10.0.0.7:2200", p.address());
            assertEquals("/opt/jdk-25", p.jdk());
        } finally {
            if (before == null) System.clearProperty("harness.home");
            else System.setProperty("harness.home", before);
        }
    }

    @Test
    void sshAddressesParse() {
        var t = SshConnection.Target.parse("ssh://pi@rpi5.local:2222");
        assertEquals(new SshConnection.Target("pi", "rpi5.local", 2222), t);
        assertEquals("[rpi5.local]:2222", t.knownHostsName());
        assertEquals(22, SshConnection.Target.parse("ssh://ubuntu@jetson").port());
    }
}
