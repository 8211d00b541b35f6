package io.walship.receiver.store.check;

import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Compares two stored files by their plain bytes, whatever codecs wrote them. */
public final class PlainContent {

    private static final int BUFFER = 64 * 1024;

    private PlainContent() {
    }

    public static boolean same(Path a, Path b) throws IOException {
        try (InputStream inA = Compression.openPlain(Files.newInputStream(a));
                InputStream inB = Compression.openPlain(Files.newInputStream(b))) {
            return same(inA, inB);
        }
    }

    /** Whether two streams of plain bytes hold the same bytes; reads both to the first difference. */
    public static boolean same(InputStream a, InputStream b) throws IOException {
        byte[] bufA = new byte[BUFFER];
        byte[] bufB = new byte[BUFFER];
        while (true) {
            int readA = a.readNBytes(bufA, 0, BUFFER);
            int readB = b.readNBytes(bufB, 0, BUFFER);
            if (readA != readB || Arrays.mismatch(bufA, 0, readA, bufB, 0, readB) >= 0) {
                return false;
            }
            if (readA < BUFFER) {
                return true;
            }
        }
    }
}
