package org.meltharness.runtime.jlama;

import org.meltharness.model.SafetensorsHeader;
import org.meltharness.model.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Widens a model's BF16 and F16 tensors to F32 into one {@code model.safetensors}, other tensors as they are. */
final class WeightConversion {
    // Converted in slices so that tensors beyond 2 GiB (one mapping's limit) need no special case.
    private static final long SLICE = 1L << 26;

    private WeightConversion() {}

    static void toF32(ModelFolder source, Path out) throws IOException {
        Files.createDirectories(out);
        for (String f : WeightCache.SIDE_FILES) {
            Path p = source.dir().resolve(f);
            if (Files.isRegularFile(p)) Files.copy(p, out.resolve(f));
        }
        List<FileChannel> open = new ArrayList<>();
        try {
            List<SafetensorsWriter.Entry> entries = new ArrayList<>();
            for (SafetensorsHeader h : source.weights()) {
                FileChannel in = FileChannel.open(h.file(), StandardOpenOption.READ);
                open.add(in);
                for (SafetensorsHeader.Tensor t : h.tensors().values()) {
                    long from = h.dataStart() + t.begin();
                    boolean widen = t.dtype().equals("BF16") || t.dtype().equals("F16");
                    if (widen) {
                        entries.add(new SafetensorsWriter.Entry(t.name(), "F32", t.shape(), t.elements() * 4,
                                o -> widen(in, from, t.bytes(), t.dtype().equals("BF16"), o)));
                    } else {
                        entries.add(new SafetensorsWriter.Entry(t.name(), t.dtype(), t.shape(), t.bytes(),
                                o -> copy(in, from, t.bytes(), o)));
                    }
                }
            }
            SafetensorsWriter.write(out.resolve(ModelFolder.SINGLE), entries);
        } finally {
            for (FileChannel c : open) c.close();
        }
    }

    private static void copy(FileChannel in, long from, long bytes, java.nio.channels.WritableByteChannel out)
            throws IOException {
        long done = 0;
        while (done < bytes) done += in.transferTo(from + done, bytes - done, out);
    }

    private static void widen(FileChannel in, long from, long bytes, boolean bf16,
            java.nio.channels.WritableByteChannel out) throws IOException {
        for (long done = 0; done < bytes; done += SLICE) {
            long n = Math.min(SLICE, bytes - done);
            MappedByteBuffer src = in.map(FileChannel.MapMode.READ_ONLY, from + done, n);
            src.order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer dst = ByteBuffer.allocate((int) (n * 2)).order(ByteOrder.LITTLE_ENDIAN);
            while (src.remaining() >= 2) {
                short s = src.getShort();
                // BF16 is the top half of an F32; F16 needs the IEEE conversion.
                dst.putFloat(bf16 ? Float.intBitsToFloat((s & 0xffff) << 16) : Float.float16ToFloat(s));
            }
            SafetensorsWriter.writeFully(out, dst.flip());
        }
    }
}
