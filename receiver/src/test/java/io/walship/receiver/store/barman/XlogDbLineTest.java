package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.receiver.compress.Compression;
import org.junit.jupiter.api.Test;

class XlogDbLineTest {

    @Test
    void formatIsNameSizeTimeCompression() {
        XlogDbLine line = new XlogDbLine("000000010000000000000001", 123456, 1795617864_943870313L, Compression.ZSTD);

        // Python's repr(1795617864 + 943870313*1e-9) is 1795617864.9438703
        assertEquals("000000010000000000000001\t123456\t1795617864.9438703\tzstd\n", line.format());
    }

    @Test
    void wholeSecondsKeepTheirPoint() {
        XlogDbLine line = new XlogDbLine("000000010000000000000002", 16777216, 1700000000_000000000L,
                Compression.NONE);

        assertEquals("000000010000000000000002\t16777216\t1700000000.0\tNone\n", line.format());
    }

    @Test
    void eachCodecHasItsBarmanName() {
        long mtime = 1795547924_770160000L;

        // Python's repr(1795547924 + 770160000*1e-9) is 1795547924.77016
        assertEquals("00000002.history\t42\t1795547924.77016\tgzip\n",
                new XlogDbLine("00000002.history", 42, mtime, Compression.GZIP).format());
        assertEquals("000000010000000000000002.00000028.backup\t300\t1795547924.77016\tbzip2\n",
                new XlogDbLine("000000010000000000000002.00000028.backup", 300, mtime, Compression.BZIP2).format());
        assertEquals("000000010000000000000003.partial\t99\t1795547924.77016\tNone\n",
                new XlogDbLine("000000010000000000000003.partial", 99, mtime, Compression.NONE).format());
    }

    @Test
    void nameOf() {
        assertEquals("000000010000000000000001", XlogDbLine.nameOf("000000010000000000000001\t16777216\t1700000000.0\tNone"));
        assertEquals("000000010000000000000001",
                XlogDbLine.nameOf("000000010000000000000001\t16777216\t1700000000.0\tNone\n"));
        assertEquals("00000002.history", XlogDbLine.nameOf("00000002.history\t42\t1700000000.0\tzstd\n"));
        assertEquals("000000010000000000000001", XlogDbLine.nameOf("000000010000000000000001"));
        assertEquals("000000010000000000000001", XlogDbLine.nameOf("000000010000000000000001\n"));
        assertEquals("", XlogDbLine.nameOf(""));
    }

    @Test
    void nameOfReadsBackWhatFormatWrites() {
        XlogDbLine line = new XlogDbLine("000000010000000000000002.00000028.backup", 300, 1700000000_000000000L,
                Compression.ZSTD);

        assertEquals(line.name(), XlogDbLine.nameOf(line.format()));
    }
}
