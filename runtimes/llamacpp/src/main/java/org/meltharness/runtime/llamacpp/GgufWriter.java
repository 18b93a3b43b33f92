package org.meltharness.runtime.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.meltharness.HarnessException;

/**
 * Writes a GGUF file the way llama.cpp's own quantize tool does: metadata and tensor entries are
 * built with the library's {@code gguf_*} functions ({@code gguf_set_*}, {@code gguf_add_tensor},
 * {@code gguf_get_meta_data}), and tensor data is streamed after them, each tensor padded to 32
 * bytes (the default alignment; {@code general.alignment} is never written), so that no whole model has to be held in memory ({@code gguf_write_to_file}
 * would first build the entire file in one buffer). Written to a temporary file and moved into place.
 */
final class GgufWriter implements AutoCloseable {

    /** Produces exactly a tensor's bytes. */
    @FunctionalInterface
    interface Data {
        void writeTo(WritableByteChannel out) throws IOException;
    }

    private record Entry(String name, GgmlType type, long[] ne, Data data) {
        long bytes() {
            long rows = 1;
            for (int i = 1; i < ne.length; i++) rows *= ne[i];
            return type.rowBytes(ne[0]) * rows;
        }
    }

    private static final int ALIGNMENT = 32; // GGUF_DEFAULT_ALIGNMENT

    private final LlamaCpp lib;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment ctx;
    private final List<Entry> entries = new ArrayList<>();
    private boolean closed;

    GgufWriter(LlamaCpp lib) {
        this.lib = lib;
        try {
            this.ctx = (MemorySegment) lib.ggufInitEmpty.invokeExact();
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /** Copies every metadata entry of an existing GGUF file ({@code gguf_set_kv}). */
    void copyMetadata(Path gguf) {
        GgufFile.read(gguf); // refuse a bad file before the library reads it
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(Layouts.GGUF_INIT_PARAMS);
            params.set(JAVA_BOOLEAN, 0, true);
            params.set(ADDRESS, 8, MemorySegment.NULL);
            MemorySegment src = (MemorySegment) lib.ggufInitFromFile.invokeExact(a.allocateFrom(gguf.toString()), params);
            if (src.equals(MemorySegment.NULL)) throw HarnessException.badData("gguf_init_from_file refused " + gguf);
            try {
                lib.ggufSetKv.invokeExact(ctx, src);
            } finally {
                lib.ggufFree.invokeExact(src);
            }
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void remove(String key) {
        call(lib.ggufRemoveKey, key);
    }

    void putString(String key, String value) {
        try {
            lib.ggufSetValStr.invokeExact(ctx, arena.allocateFrom(key), arena.allocateFrom(value));
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putU32(String key, long value) {
        if (value < 0 || value > 0xffffffffL) throw new IllegalArgumentException(key + " = " + value);
        try {
            lib.ggufSetValU32.invokeExact(ctx, arena.allocateFrom(key), (int) value);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putF32(String key, double value) {
        try {
            lib.ggufSetValF32.invokeExact(ctx, arena.allocateFrom(key), (float) value);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putBool(String key, boolean value) {
        try {
            lib.ggufSetValBool.invokeExact(ctx, arena.allocateFrom(key), value);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putStrings(String key, List<String> values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ptrs = a.allocate(ADDRESS, Math.max(1, values.size()));
            for (int i = 0; i < values.size(); i++) ptrs.setAtIndex(ADDRESS, i, a.allocateFrom(values.get(i)));
            lib.ggufSetArrStr.invokeExact(ctx, a.allocateFrom(key), ptrs, (long) values.size());
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putFloats(String key, float[] values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocateFrom(JAVA_FLOAT, values);
            lib.ggufSetArrData.invokeExact(ctx, a.allocateFrom(key), Layouts.GGUF_TYPE_FLOAT32, data, (long) values.length);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    void putInts(String key, int[] values) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocateFrom(JAVA_INT, values);
            lib.ggufSetArrData.invokeExact(ctx, a.allocateFrom(key), Layouts.GGUF_TYPE_INT32, data, (long) values.length);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    /**
     * Adds a tensor: {@code ne} is the ggml shape (fastest dimension first), {@code data} writes its
     * {@code rowBytes(ne[0]) * rows} bytes when the file is written.
     */
    void addTensor(String name, GgmlType type, long[] ne, Data data) {
        if (ne[0] % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": rows of " + ne[0] + " are not whole " + type.label() + " blocks");
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 64) {
            throw HarnessException.unsupportedModel("tensor name " + name + " is longer than ggml's 63 bytes");
        }
        entries.add(new Entry(name, type, ne.clone(), data));
    }

    /** Writes the file: metadata from the library, then each tensor's bytes, padded. */
    void write(Path file) {
        MemorySegment gctx;
        try (Arena a = Arena.ofConfined()) {
            long overhead = (long) lib.ggmlTensorOverhead.invokeExact();
            MemorySegment params = a.allocate(Layouts.GGML_INIT_PARAMS);
            params.set(JAVA_LONG, 0, overhead * (entries.size() + 1) + 1024);
            params.set(ADDRESS, 8, MemorySegment.NULL);
            params.set(JAVA_BOOLEAN, 16, true);
            gctx = (MemorySegment) lib.ggmlInit.invokeExact(params);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        try {
            try (Arena a = Arena.ofConfined()) {
                for (Entry e : entries) {
                    MemorySegment ne = a.allocateFrom(JAVA_LONG, e.ne());
                    MemorySegment t = (MemorySegment) lib.ggmlNewTensor.invokeExact(gctx, e.type().id, e.ne().length, ne);
                    MemorySegment named = (MemorySegment) lib.ggmlSetName.invokeExact(t, a.allocateFrom(e.name()));
                    lib.ggufAddTensor.invokeExact(ctx, named);
                }
            }
            long metaSize = (long) lib.ggufGetMetaSize.invokeExact(ctx);
            if (metaSize % ALIGNMENT != 0) throw new IllegalStateException("gguf_get_meta_size " + metaSize + " is not aligned");
            byte[] meta;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(metaSize);
                lib.ggufGetMetaData.invokeExact(ctx, buf);
                meta = buf.toArray(JAVA_BYTE);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, ByteBuffer.wrap(meta));
                for (Entry e : entries) {
                    long before = out.position();
                    e.data().writeTo(out);
                    long written = out.position() - before;
                    if (written != e.bytes()) {
                        throw new IllegalStateException("tensor " + e.name() + " wrote " + written + " bytes, not " + e.bytes());
                    }
                    long pad = (ALIGNMENT - written % ALIGNMENT) % ALIGNMENT;
                    if (pad > 0) writeFully(out, ByteBuffer.allocate((int) pad));
                }
                // On disk before the rename: caches reuse any file under the final name.
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw HarnessException.badData("cannot write " + file + ": " + e.getMessage(), e);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // the temporary file only
            }
            try {
                lib.ggmlFree.invokeExact(gctx);
            } catch (Throwable t) {
                // cleanup only
            }
        }
    }

    static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) out.write(buf);
    }

    private void call(MethodHandle h, String key) {
        try {
            long ignored = (long) h.invokeExact(ctx, arena.allocateFrom(key));
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            lib.ggufFree.invokeExact(ctx);
        } catch (Throwable t) {
            throw LlamaCpp.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
