package io.walship.receiver.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walship.receiver.compress.CloudCompression;
import io.walship.wal.WalFileName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys as barman-cloud-wal-archive 3.4 writes them (os.path.join(path, server, "wals", hash_dir, name)). */
class CloudWalKeysTest {

    private static final CloudWalKeys KEYS = new CloudWalKeys("pfx", "pg");

    private static WalFileName name(String name) {
        return WalFileName.parse(name);
    }

    @Test
    void aSegmentGoesInItsHashDirectoryWithItsCodecsSuffix() {
        assertEquals("pfx/pg/wals/0000000100000000/000000010000000000000001.gz",
                KEYS.keyOf(name("000000010000000000000001"), CloudCompression.GZIP));
        assertEquals("pfx/pg/wals/0000000A0000001F/0000000A0000001F000000FE.bz2",
                KEYS.keyOf(name("0000000A0000001F000000FE"), CloudCompression.BZIP2));
        assertEquals("pfx/pg/wals/0000000100000000/000000010000000000000001",
                KEYS.keyOf(name("000000010000000000000001"), CloudCompression.NONE));
    }

    @Test
    void partialAndBackupFilesGoInTheHashDirectoryToo() {
        assertEquals("pfx/pg/wals/0000000100000002/000000010000000200000003.partial.gz",
                KEYS.keyOf(name("000000010000000200000003.partial"), CloudCompression.GZIP));
        assertEquals("pfx/pg/wals/0000000100000002/000000010000000200000003.00000028.backup.gz",
                KEYS.keyOf(name("000000010000000200000003.00000028.backup"), CloudCompression.GZIP));
    }

    @Test
    void historyFilesGoDirectlyInWals() {
        assertEquals("pfx/pg/wals/00000002.history.gz", KEYS.keyOf(name("00000002.history"), CloudCompression.GZIP));
        assertEquals("pfx/pg/wals/", KEYS.directoryOf(name("00000002.history")));
    }

    @Test
    void withoutAPrefixKeysStartWithTheServer() {
        CloudWalKeys keys = new CloudWalKeys("", "pg");
        assertEquals("pg/wals/0000000100000000/000000010000000000000001",
                keys.keyOf(name("000000010000000000000001"), CloudCompression.NONE));
        assertEquals("pg/walship-identity.json", keys.identityKey());
    }

    @Test
    void aPrefixOfSeveralPartsIsKeptAsItIs() {
        assertEquals("a/b/c/pg/wals/00000003.history",
                new CloudWalKeys("a/b/c", "pg").keyOf(name("00000003.history"), CloudCompression.NONE));
    }

    @Test
    void aPrefixWithSlashesAtItsEndsIsAMistakeOfTheCaller() {
        assertThrows(IllegalArgumentException.class, () -> new CloudWalKeys("/pfx", "pg"));
        assertThrows(IllegalArgumentException.class, () -> new CloudWalKeys("pfx/", "pg"));
    }

    @Test
    void everyCodecsKeyIsACandidateAndTellsItsCodec() {
        WalFileName segment = name("000000010000000000000001");
        List<String> candidates = KEYS.candidates(segment);
        assertEquals(List.of("pfx/pg/wals/0000000100000000/000000010000000000000001.gz",
                "pfx/pg/wals/0000000100000000/000000010000000000000001.bz2",
                "pfx/pg/wals/0000000100000000/000000010000000000000001.snappy",
                "pfx/pg/wals/0000000100000000/000000010000000000000001"), candidates);
        assertEquals(Optional.of(CloudCompression.BZIP2), KEYS.compressionOf(segment, candidates.get(1)));
        assertEquals(Optional.of(CloudCompression.SNAPPY), KEYS.compressionOf(segment, candidates.get(2)));
        assertEquals(Optional.of(CloudCompression.NONE), KEYS.compressionOf(segment, candidates.get(3)));
        assertEquals(Optional.empty(), KEYS.compressionOf(segment,
                "pfx/pg/wals/0000000100000000/000000010000000000000001.partial.gz"));
        assertEquals(Optional.empty(), KEYS.compressionOf(segment,
                "pfx/pg/wals/0000000100000000/000000010000000000000001.xz"));
    }

    @Test
    void aKeyTellsItsFileOnlyWhereBarmanCloudLooksForIt() {
        assertEquals(Optional.of(name("000000010000000000000001")),
                KEYS.nameOf("pfx/pg/wals/0000000100000000/000000010000000000000001.gz"));
        assertEquals(Optional.of(name("000000010000000200000003.partial")),
                KEYS.nameOf("pfx/pg/wals/0000000100000002/000000010000000200000003.partial.snappy"));
        assertEquals(Optional.of(name("00000002.history")), KEYS.nameOf("pfx/pg/wals/00000002.history"));
        assertEquals(Optional.empty(), KEYS.nameOf("pfx/pg/wals/0000000100000001/000000010000000000000001.gz"),
                "a segment in another hash directory");
        assertEquals(Optional.empty(), KEYS.nameOf("pfx/pg/wals/0000000100000000/000000010000000000000001.xz"));
        assertEquals(Optional.empty(), KEYS.nameOf("pfx/pg/wals/0000000100000000/notes.txt"));
        assertEquals(Optional.empty(), KEYS.nameOf("pfx/other/wals/0000000100000000/000000010000000000000001"),
                "another server's");
    }
}
