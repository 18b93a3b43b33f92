import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory bandwidth for the bench's bandwidth bound (docs/PERFORMANCE.md): STREAM's Copy kernel
 * (System.arraycopy, read + write bytes counted) and a vectorised read-only sum, which is what a
 * decode step does with the weights. Arrays far larger than the caches; best of several passes.
 *
 * <pre>java --add-modules jdk.incubator.vector scripts/StreamBandwidth.java [MiB per array] [threads] [passes]</pre>
 */
public class StreamBandwidth {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int n = mib * 1024 * 1024 / 4;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) a[i] = i % 7;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        double bestCopy = 0;
        double bestRead = 0;
        float sink = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            run(pool, threads, n, (from, to) -> { System.arraycopy(a, from, b, from, to - from); return 0f; });
            long t1 = System.nanoTime();
            sink += run(pool, threads, n, (from, to) -> sum(a, from, to));
            long t2 = System.nanoTime();
            bestCopy = Math.max(bestCopy, 2.0 * n * 4 / ((t1 - t0) / 1e9));
            bestRead = Math.max(bestRead, 1.0 * n * 4 / ((t2 - t1) / 1e9));
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "arrays %d MiB, %d thread(s), best of %d: copy %.2f GB/s (read+write), read %.2f GB/s (checksum %.0f)%n",
                mib, threads, passes, bestCopy / 1e9, bestRead / 1e9, sink);
    }

    interface Kernel {
        float apply(int from, int to);
    }

    private static float run(ExecutorService pool, int threads, int n, Kernel k) throws Exception {
        List<Future<Float>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) n * t / threads);
            int to = (int) ((long) n * (t + 1) / threads);
            parts.add(pool.submit(() -> k.apply(from, to)));
        }
        float s = 0;
        for (Future<Float> f : parts) s += f.get();
        return s;
    }

    private static float sum(float[] a, int from, int to) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int step = F.length() * 2;
        int i = from;
        for (; i + step <= to; i += step) {
            acc0 = acc0.add(FloatVector.fromArray(F, a, i));
            acc1 = acc1.add(FloatVector.fromArray(F, a, i + F.length()));
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += a[i];
        return s;
    }
}
