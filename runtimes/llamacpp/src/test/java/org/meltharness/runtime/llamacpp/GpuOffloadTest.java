package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meltharness.HarnessException;

/**
 * GPU offload as far as a CPU can show it: the options reach the struct handed to
 * {@code llama_model_load_from_file}; a build without a GPU backend, or a GPU it does not have, is
 * one line; the devices used are recorded. (No GPU is lent to this project's machines; the README
 * says how to run on a CUDA or Jetson build.)
 */
class GpuOffloadTest {
    private static final BuildInfo.Device CPU = new BuildInfo.Device("CPU", "AMD EPYC", "cpu", 24L << 30, 20L << 30);
    private static final BuildInfo.Device GPU0 = new BuildInfo.Device("CUDA0", "NVIDIA H100", "gpu", 80L << 30, 79L << 30);
    private static final BuildInfo.Device GPU1 = new BuildInfo.Device("CUDA1", "NVIDIA H100", "gpu", 80L << 30, 79L << 30);

    private static BuildInfo build(BuildInfo.Device... devices) {
        return new BuildInfo("0.5.0", "0.25.1", "abc1234", "--llama-cpp", Path.of("/opt/llama.cpp/build/bin"),
                List.of("cuda"), "built in", List.of(devices), devices.length > 1, "CPU : AVX2 = 1 |");
    }

    @Test
    void theOptionsReachTheParametersTheLibraryGets() {
        LlamaCpp lib = TestModels.lib();
        var s = Layouts.MODEL_PARAMS;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment none = LlamaModel.params(lib, arena, false, LlamaModel.Offload.NONE);
            // llama.cpp's own default is -1 (every layer on a GPU when there is one): the harness asks for none.
            assertEquals(0, none.get(JAVA_INT, Layouts.offset(s, "n_gpu_layers")));
            assertEquals(Layouts.SPLIT_MODE_LAYER, none.get(JAVA_INT, Layouts.offset(s, "split_mode")));
            MemorySegment layers = LlamaModel.params(lib, arena, true, new LlamaModel.Offload(99, -1));
            assertEquals(99, layers.get(JAVA_INT, Layouts.offset(s, "n_gpu_layers")));
            assertEquals(1, layers.get(JAVA_BYTE, Layouts.offset(s, "vocab_only")));
            assertEquals(Layouts.SPLIT_MODE_LAYER, layers.get(JAVA_INT, Layouts.offset(s, "split_mode")));
            MemorySegment main = LlamaModel.params(lib, arena, false, new LlamaModel.Offload(-1, 1));
            assertEquals(-1, main.get(JAVA_INT, Layouts.offset(s, "n_gpu_layers")));
            assertEquals(Layouts.SPLIT_MODE_NONE, main.get(JAVA_INT, Layouts.offset(s, "split_mode")));
            assertEquals(1, main.get(JAVA_INT, Layouts.offset(s, "main_gpu")));
        }
    }

    @Test
    void aGpuAskedOfABuildWithoutOneIsOneLine() {
        HarnessException e = assertThrows(HarnessException.class,
                () -> LlamaModel.checkOffload(build(CPU), new LlamaModel.Offload(99, -1)));
        assertEquals(HarnessException.UNSUPPORTED_MODEL, e.exitCode());
        assertEquals("--gpu-layers 99 asks for a GPU, but the llama.cpp build in /opt/llama.cpp/build/bin has no GPU backend "
                + "(its devices: [CPU]); name a CUDA, Vulkan or Metal build of llama.cpp v0.5.0 with --llama-cpp DIR",
                e.getMessage());
        HarnessException main = assertThrows(HarnessException.class,
                () -> LlamaModel.checkOffload(build(CPU, GPU0, GPU1), new LlamaModel.Offload(99, 2)));
        assertEquals(HarnessException.USAGE, main.exitCode());
        assertTrue(main.getMessage().startsWith("--main-gpu 2: the build sees 2 GPU(s): [CUDA0 (NVIDIA H100), CUDA1"),
                main.getMessage());
        assertDoesNotThrow(() -> LlamaModel.checkOffload(build(CPU, GPU0, GPU1), new LlamaModel.Offload(99, 1)));
        assertDoesNotThrow(() -> LlamaModel.checkOffload(build(CPU), LlamaModel.Offload.NONE));
    }

    @Test
    void theDevicesUsedAreRecorded() {
        assertEquals(List.of("CPU (AMD EPYC)"), LlamaCppRuntime.devicesUsed(build(CPU, GPU0), LlamaModel.Offload.NONE));
        assertEquals(List.of("CUDA0 (NVIDIA H100)", "CUDA1 (NVIDIA H100)", "CPU (AMD EPYC)"),
                LlamaCppRuntime.devicesUsed(build(CPU, GPU0, GPU1), new LlamaModel.Offload(99, -1)));
        assertEquals(List.of("CUDA1 (NVIDIA H100)", "CPU (AMD EPYC)"),
                LlamaCppRuntime.devicesUsed(build(CPU, GPU0, GPU1), new LlamaModel.Offload(99, 1)));
    }

    @Test
    void badOffloadOptionsAreUsageErrors() {
        HarnessException layers = assertThrows(HarnessException.class,
                () -> EngineOptions.parse(Map.of("gpu_layers", "-2"), 0));
        assertEquals("--runtime-option gpu_layers must be an integer of at least -1, not -2", layers.getMessage());
        HarnessException main = assertThrows(HarnessException.class, () -> EngineOptions.parse(Map.of("main_gpu", "x"), 0));
        assertEquals(HarnessException.USAGE, main.exitCode());
        assertEquals(new LlamaModel.Offload(-1, 0),
                EngineOptions.parse(Map.of("gpu_layers", "-1", "main_gpu", "0"), 0).offload());
    }
}
