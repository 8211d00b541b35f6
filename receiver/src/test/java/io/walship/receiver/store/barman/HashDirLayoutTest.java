package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.wal.WalFileName;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HashDirLayoutTest {

    private static final Path WALS = Path.of("barman", "pg", "wals");
    private final HashDirLayout layout = new HashDirLayout(WALS);

    @Test
    void segmentsLiveInTheirHashDirectory() {
        WalFileName name = WalFileName.parse("0000000100000002000000FE");

        assertEquals(WALS.resolve("0000000100000002"), layout.directoryOf(name));
        assertEquals(WALS.resolve("0000000100000002").resolve("0000000100000002000000FE"), layout.pathOf(name));
    }

    @Test
    void partialSegmentsLiveInTheirHashDirectory() {
        WalFileName name = WalFileName.parse("0000000A00000002000000FE.partial");

        assertEquals(WALS.resolve("0000000A00000002"), layout.directoryOf(name));
        assertEquals(WALS.resolve("0000000A00000002").resolve("0000000A00000002000000FE.partial"),
                layout.pathOf(name));
    }

    @Test
    void backupLabelsLiveInTheirHashDirectory() {
        WalFileName name = WalFileName.parse("000000010000000000000002.00000028.backup");

        assertEquals(WALS.resolve("0000000100000000"), layout.directoryOf(name));
        assertEquals(WALS.resolve("0000000100000000").resolve("000000010000000000000002.00000028.backup"),
                layout.pathOf(name));
    }

    @Test
    void historyFilesLiveDirectlyInWals() {
        WalFileName name = WalFileName.parse("00000002.history");

        assertEquals(WALS, layout.directoryOf(name));
        assertEquals(WALS.resolve("00000002.history"), layout.pathOf(name));
    }

    @Test
    void hashDirIsTimelineAndLogInUpperCase() {
        assertEquals("0000000100000000", HashDirLayout.hashDir(WalFileName.parse("000000010000000000000001")));
        assertEquals("0000000A000000FF", HashDirLayout.hashDir(WalFileName.parse("0000000A000000FF00000003")));
        assertEquals("0000000100000000", HashDirLayout.hashDir(WalFileName.parse("000000010000000000000001.partial")));
        assertEquals("0000000100000000",
                HashDirLayout.hashDir(WalFileName.parse("000000010000000000000002.00000028.backup")));
        assertEquals("FFFFFFFFFFFFFFFF", HashDirLayout.hashDir(WalFileName.parse("FFFFFFFFFFFFFFFF00000000")));
    }

    @Test
    void historyFilesHaveNoHashDir() {
        WalFileName history = WalFileName.parse("00000002.history");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HashDirLayout.hashDir(history));
        assertTrue(e.getMessage().contains("00000002.history"), e.getMessage());
    }
}
