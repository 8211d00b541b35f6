package io.walship.receiver.it;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Barman's xlog.db time column: Python's {@code repr(os.stat(f).st_mtime)}, computed independently here. */
final class PythonRepr {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private PythonRepr() {
    }

    static String mtimeRepr(Path file) throws IOException {
        long nanos = Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
        // CPython builds st_mtime exactly like this from st_mtim (tv_sec + tv_nsec * 1e-9, in double arithmetic)
        double seconds = Math.floorDiv(nanos, NANOS_PER_SECOND) + Math.floorMod(nanos, NANOS_PER_SECOND) * 1e-9;
        return repr(seconds);
    }

    /**
     * Python's float repr for ordinary magnitudes: since Java 19 Double.toString yields the same shortest
     * round-tripping digits, only possibly in E notation and without Python's trailing ".0".
     */
    static String repr(double value) {
        String plain = new BigDecimal(Double.toString(value)).toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }
}
