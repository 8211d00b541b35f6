package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CheckItem;
import io.walship.receiver.compress.Compression;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodecCheckTest {

    private static BarmanServer server(Compression compression) {
        return new BarmanServer("pg", Set.of("pg1"), compression, "receiver.conf:7: compression",
                ServerDirectories.defaults(Path.of("/var/lib/barman"), "pg"), XlogDbGeneration.WALS_XLOG_DB);
    }

    @Test
    void zstdForABarmanThatReadsIt() {
        CheckItem item = CodecCheck.of(server(Compression.ZSTD), ArchiveReader.barman(new BarmanVersion(3, 12, 0)));

        assertEquals(CheckItem.ok("compression", "zstd, read by Barman 3.12.0"), item);
    }

    @Test
    void zstdForBarman34Fails() {
        CheckItem item = CodecCheck.of(server(Compression.ZSTD), ArchiveReader.barman(new BarmanVersion(3, 4, 0)));

        assertEquals(CheckItem.Status.FAILED, item.status());
        assertTrue(item.detail().contains("Barman 3.4.0 cannot read") && item.detail().contains("compression = gzip "
                + "for [pg]"), item.detail());
    }

    @Test
    void gzipForBarman34AndAnUnknownBarman() {
        assertTrue(CodecCheck.of(server(Compression.GZIP), ArchiveReader.barman(new BarmanVersion(3, 4, 0))).passed());
        assertEquals(CheckItem.Status.WARNING, CodecCheck.of(server(Compression.GZIP), ArchiveReader.unknown()).status());
    }

    @Test
    void anyCodecWhereNoBarmanReadsTheArchive() {
        CheckItem item = CodecCheck.of(server(Compression.ZSTD), ArchiveReader.noBarman());

        assertTrue(item.passed() && item.detail().contains("barman_version = none"), item.toString());
    }
}
