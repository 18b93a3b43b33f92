package org.meltharness.runtime.llamacpp.build;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A prebuilt llama.cpp pinned by content: the npm package that carries it, its tarball's size,
 * sha256 and npm integrity (sha512), and the sha256 of every file taken out of it. Two are pinned,
 * node-llama-cpp 3.22.1's Linux packages for x86-64 and aarch64 (llama.cpp release v0.5.0, ggml
 * 0.25.1, one CPU backend per instruction-set level chosen at run time); their hashes were taken
 * from the registry's tarballs and checked against {@code npm view <package>@3.22.1 dist.integrity}.
 *
 * @param npmPackage the package name, e.g. {@code @node-llama-cpp/linux-x64}
 * @param platform its folder under {@code bins/}, e.g. {@code linux-x64}
 * @param tarball where the registry serves the package
 * @param integrity npm's {@code dist.integrity}: {@code sha512-} and the base64 digest
 * @param files file name to sha256 of every file kept from {@code package/bins/<platform>/}
 */
public record PinnedBuild(String npmPackage, String version, String platform, URI tarball, long bytes, String sha256,
        String integrity, Map<String, String> files) {
    /** The llama.cpp release these packages were built from (node-llama-cpp's {@code llama.cpp.info.json}). */
    public static final String LLAMA_CPP_RELEASE = "v0.5.0";
    static final String NPM_VERSION = "3.22.1";

    public PinnedBuild {
        files = Map.copyOf(files);
    }

    /** The folder name this build has in the cache. */
    public String folderName() {
        return "node-llama-cpp-" + version + "-" + platform;
    }

    /** The tarball member that holds {@code file}. */
    String member(String file) {
        return "package/bins/" + platform + "/" + file;
    }

    /** The pinned build for a platform named as {@link Platform#current()} names it, if there is one. */
    public static Optional<PinnedBuild> forPlatform(String platform) {
        return Optional.ofNullable(switch (platform) {
            case "linux-x64" -> LINUX_X64;
            case "linux-arm64" -> LINUX_ARM64;
            default -> null;
        });
    }

    private static PinnedBuild npm(String platform, long bytes, String sha256, String integrity, String... files) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < files.length; i += 2) m.put(files[i + 1], files[i]);
        String pkg = "@node-llama-cpp/" + platform;
        URI url = URI.create("https://registry.npmjs.org/" + pkg + "/-/" + platform + "-" + NPM_VERSION + ".tgz");
        return new PinnedBuild(pkg, NPM_VERSION, platform, url, bytes, sha256, integrity, m);
    }

    static final PinnedBuild LINUX_X64 = npm("linux-x64", 10_824_547L,
            "0d953e1503d5ab4608d8ed5b739132308c81ac05ffeb760d2a7f30e08a9f90e0",
            "sha512-5uCCDNqWCNfaAm8aR/Uzxbo4HBpKgNF91kCHPepKhgMgV2OAmatoefbOlMihsqCiH2Od35E/eUHQCFbfRBJuOg==",
            "6c342c8aeb20cb31a18099d6f79de4de6703814d1cfd5c4d754a8643087e486e", "libggml-base.so",
            "6527efda35405a0d91574aced4a7766db9bb0494ab6458c83fe9eba755eb76f7", "libggml-cpu-alderlake.so",
            "44285a67a31a81a036a70c565d391b31145d835044c03c76cfaa2f90a9d57d42", "libggml-cpu-cannonlake.so",
            "97cace813fbf7b7a07c4793f6a75b8b2d3de256430620f0be4a15bd4372468ea", "libggml-cpu-cascadelake.so",
            "5eda284fd8986d550e21623b269dd31d02c07fc70121d3099609d5dde6b6847e", "libggml-cpu-cooperlake.so",
            "ddaa96012769f0e86e8670cca374243751880bea2c2d0a4413b3a1b7a29dca74", "libggml-cpu-haswell.so",
            "9b9c24aaa775fd38a6e1ff082549e50d4138d29f2e2883630b28ab70704ed896", "libggml-cpu-icelake.so",
            "91b27ab81df92b8429c8e3441a8861014d3aec1424f90885a628fd0d4567532f", "libggml-cpu-ivybridge.so",
            "2cb5b2101f5bbefa2416ec7f8b6c6acb177d04f0157989c5d92e4c07750fd3f8", "libggml-cpu-piledriver.so",
            "bce17565033835dfb59fae2ed712d4c35e56463c2d49ea61ca08e6e2908bdfd6", "libggml-cpu-sandybridge.so",
            "e3d4840632b2242655e1721c6b93ec0370406dded9074accfe90bcfb67bd30b8", "libggml-cpu-sapphirerapids.so",
            "df30b40a957175cd8e462e8838632dc51e3be7570b27b9526cb7a044263aeab3", "libggml-cpu-skylakex.so",
            "ec65053445506965db5dd9382d7ede084ba639edc55f77aaf73581c778969e02", "libggml-cpu-sse42.so",
            "1174c3c3e0b8722313df561d7ef5ece516a070732cec9b8ddda3667c0b959728", "libggml-cpu-x64.so",
            "d84208de33fdadb8921a1a1a34342f5eceb1e58b83648be68050f7557312bd3e", "libggml-cpu-zen4.so",
            "41cd5e6ad78b9f0af31a6f80d637d3168e75ff84db14c495de4d3d9c95607444", "libggml.v0.5.0.so",
            "2ecd1d85f68456573a664106a9039366b88231579fd65d9669c9a6ab41374fd4", "libllama.v0.5.0.so",
            "8e0130a6e47ec45e29c1ea5f5a4654144de4b64cd1a5339c01bb8d213def4089", "_nlcBuildMetadata.json");

    static final PinnedBuild LINUX_ARM64 = npm("linux-arm64", 7_340_902L,
            "39c76b998e35ed2f236c01472fc79eda0fc558b1c8b535023c2d7ded8c327cc4",
            "sha512-W+7naKCXX9/eEjjFmRS8vvx91QyLXDbeFxexZc3bh/PtQABZgmRL3C0AtYYXn4YGTj/3Qor4lWZn2tpjZFPLdQ==",
            "ef8a2f781f9fccc99a744166529e20f48ea4c850e35fbb38d88762691fea1da6", "libggml-base.so",
            "016d2bd41948f4989df8c06a1cb1f6a3ed5a2ead811bd95a4511a842260f2365", "libggml-cpu-armv8.0_1.so",
            "8539c4995e56237e5b43d2147bfabe0fabb21e55cb93d2f3ef55796c819f2d0d", "libggml-cpu-armv8.2_1.so",
            "fe0312b22078d8215582ca9deb76d595257700a5d0c4cfc43a9a6ee93d828937", "libggml-cpu-armv8.2_2.so",
            "0b5714435030b1a48b5dfae3484c1c592c7f95925444c1799f4a753046e6dbb3", "libggml-cpu-armv8.2_3.so",
            "0fdfbb750748b9502cb5e90ff822415b30390de0b9c527c929087f36548d265e", "libggml-cpu-armv8.6_1.so",
            "5179873d30a2e55db5d8bb20e3c28d32c0a170fbac237cebcbc2f77b477c8946", "libggml-cpu-armv8.6_2.so",
            "98d963eee3db588a9531617588edb077c8f1cdca5ae6d974f0b3324ea1c290ab", "libggml-cpu-armv9.2_1.so",
            "6cb2f7dcac85d7b1ea939354072495a16910d5509c3accd5caa1aab1df6d33f7", "libggml-cpu-armv9.2_2.so",
            "c1c7b0c0d2d67863c7e0544dd7190bf0f0897c87ae3002efca5817bdda9b9b85", "libggml.v0.5.0.so",
            "ba559136061c8ca89df13d86937fa4214100583fb4d734ab2a6ebe2a149be993", "libllama.v0.5.0.so",
            "381410176fce3a54c876536789a2c8199685961b199988ebfbfeae164ea5139d", "_nlcBuildMetadata.json");
}
