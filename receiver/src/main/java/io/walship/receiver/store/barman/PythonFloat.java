package io.walship.receiver.store.barman;

import java.math.BigDecimal;

/** Formats a double the way Python's repr() does, which is how Barman writes times into xlog.db. */
public final class PythonFloat {

    private PythonFloat() {
    }

    /**
     * Java (since 19) and Python both print the shortest decimal that reads back as the same double;
     * Python never switches to exponent notation below 1e16, and always shows a point.
     */
    public static String repr(double value) {
        if (!Double.isFinite(value) || Math.abs(value) >= 1e16 || (value != 0 && Math.abs(value) < 1e-4)) {
            throw new IllegalArgumentException("not a file time: " + value);
        }
        String plain = new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
        return plain.indexOf('.') < 0 ? plain + ".0" : plain;
    }

    /** Python's os.stat() st_mtime: seconds plus nanoseconds, computed in double precision. */
    public static double epochSeconds(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        long nanos = Math.floorMod(epochNanos, 1_000_000_000L);
        return seconds + nanos * 1e-9;
    }
}
