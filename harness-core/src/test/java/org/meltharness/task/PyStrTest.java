package org.meltharness.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PyStrTest {
    @Test
    void stripRemovesEveryPythonWhitespaceIncludingNoBreakSpace() {
        assertEquals("x", PyStr.strip("\u00a0 \t x\u00a0\u3000\n"));
        assertEquals("x \u200b", PyStr.strip(" x \u200b"), "zero-width space is not whitespace in Python");
        assertEquals("", PyStr.strip(" \u2028 "));
        assertEquals("a ", PyStr.lstrip("\u0085a "));
    }

    @Test
    void capitalizeLowersTheRestLikePython() {
        assertEquals("Hello world", PyStr.capitalize("hello WORLD"));
        assertEquals("\u01c5emal", PyStr.capitalize("\u01c6emal"), "first character is title-cased, not upper-cased");
        assertEquals("", PyStr.capitalize(""));
        assertEquals("1st place", PyStr.capitalize("1ST Place"));
    }

    @Test
    void lenCountsCodePoints() {
        assertEquals(2, PyStr.len("\ud83d\ude00\u00e9"));
        assertEquals(0, PyStr.len(""));
    }

    @Test
    void digits() {
        assertTrue(PyStr.isDigits("3"));
        assertFalse(PyStr.isDigits(""));
        assertFalse(PyStr.isDigits("-1"));
    }
}
