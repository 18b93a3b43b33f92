package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Expected values were printed by CPython 3.11's random module. */
class PyRandomTest {
    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void getrandbitsMatchesCPython() {
        PyRandom r = new PyRandom(1234);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) got.add(r.getrandbits(32));
        assertEquals(List.of(4150886329L, 3342196574L, 1892932127L, 501869158L, 32175636L), got);
        assertEquals(3626764237L, new PyRandom(0).getrandbits(32));
        assertEquals(2166296868L, new PyRandom((1L << 40) + 5).getrandbits(32), "seeds wider than 32 bits");
        PyRandom neg = new PyRandom(-7);
        assertEquals(1390851128L, neg.getrandbits(32), "negative seeds use abs()");
        assertEquals(30L, neg.getrandbits(5));
    }

    @Test
    void randbelowRejectsLikeCPython() {
        PyRandom r = new PyRandom(1234);
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) got.add(r.randbelow(10));
        assertEquals(List.of(7, 1, 0, 1, 9), got);
    }

    @Test
    void sampleUsesTheSetAlgorithmForLargePools() {
        PyRandom r = new PyRandom(1234);
        assertEquals(List.of(1805, 478, 30, 371, 143), r.sample(range(2251), 5));
        assertEquals(List.of(343, 403, 1452, 969, 71), r.sample(range(2251), 5), "state carries over between calls");
        assertEquals(List.of(28883, 7657, 490, 5940, 38156, 2288, 5500, 6450, 23241, 15519, 1142, 2019, 1038, 22681,
                31735, 40358, 30379, 9735, 5982, 11999, 7498, 958, 32970, 31899, 16372),
                new PyRandom(1234).sample(range(40398), 25));
        assertEquals(List.of(81, 14, 3, 94, 35, 31, 28), new PyRandom(42).sample(range(100), 7));
    }

    @Test
    void sampleUsesThePoolAlgorithmForSmallPools() {
        PyRandom r = new PyRandom(1234);
        assertEquals(List.of(7, 1, 0), r.sample(range(10), 3));
        assertEquals(List.of(1, 0, 9), r.sample(range(10), 3));
    }
}
