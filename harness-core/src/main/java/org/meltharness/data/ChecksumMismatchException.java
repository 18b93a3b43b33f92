package org.meltharness.data;

import org.meltharness.HarnessException;

/** A file whose bytes are not the ones its manifest names: corrupt, never a reason to fall back silently. */
public final class ChecksumMismatchException extends HarnessException {
    public ChecksumMismatchException(String message) {
        super(BAD_DATA, message);
    }
}
