package io.walship.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .ready files of pg_wal/archive_status in the order PostgreSQL's archiver takes them (pgarch.c). */
class ReadyFilesTest {

    @TempDir
    Path pgWal;
    private Path status;

    @BeforeEach
    void statusDirectory() throws Exception {
        status = Files.createDirectories(pgWal.resolve("archive_status"));
    }

    @Test
    void historyFilesComeFirstThenEverythingByName() throws Exception {
        List<String> expected = List.of(
                "00000002.history",
                "00000003.history",
                "0000000A.history",
                "000000010000000000000009",
                "00000001000000000000000A",
                "00000001000000000000000A.00000028.backup",
                "00000001000000000000000A.partial",
                "00000001000000000000000B",
                "000000010000000100000000",
                "000000020000000000000001",
                "00000002000000000000000A");
        List<String> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(42));
        for (String name : shuffled) {
            ready(name);
        }

        assertEquals(expected, new ReadyFiles(pgWal).list());
    }

    @Test
    void aHistoryFileOfALaterTimelineStillComesBeforeOlderSegments() throws Exception {
        ready("000000010000000000000001");
        ready("00000002.history");
        ready("000000010000000000000002.partial");

        assertEquals(List.of("00000002.history", "000000010000000000000001", "000000010000000000000002.partial"),
                new ReadyFiles(pgWal).list());
    }

    @Test
    void namesThatAreNotWalFileNamesAndOtherStatusFilesAreIgnored() throws Exception {
        ready("000000010000000000000003");
        for (String other : List.of("000000010000000000000001.done", "000000010000000000000002.ready.tmp",
                "000000010000000000000004.tmp")) {
            Files.createFile(status.resolve(other));
        }
        for (String notWal : List.of("", "RECOVERYXLOG", "xlogtemp.123", "00000001000000000000000G",
                "0000000100000000000000001", "00000001000000000000001", "000000010000000000000001.history",
                "00000001.partial", "000000010000000000000001.0000002.backup", "000000010000000000000001.PARTIAL",
                "..000000010000000000000001", "archive_status")) {
            ready(notWal);
        }
        Files.createDirectory(status.resolve("subdir"));

        assertEquals(List.of("000000010000000000000003"), new ReadyFiles(pgWal).list());
    }

    @Test
    void anEmptyStatusDirectoryListsNothing() throws Exception {
        assertEquals(List.of(), new ReadyFiles(pgWal).list());
    }

    @Test
    void theListFollowsTheDirectoryAsPostgreSqlMarksAndArchivesFiles() throws Exception {
        ready("000000010000000000000005");
        ReadyFiles ready = new ReadyFiles(pgWal);
        assertEquals(List.of("000000010000000000000005"), ready.list());

        Files.move(status.resolve("000000010000000000000005.ready"), status.resolve("000000010000000000000005.done"));
        ready("000000010000000000000006");
        assertEquals(List.of("000000010000000000000006"), ready.list());
    }

    @Test
    void theBacklogCountsTheReadyWalFilesAndDatesTheOldestMark() throws Exception {
        assertEquals(new ReadyFiles.Backlog(0, Optional.empty()), new ReadyFiles(pgWal).backlog());
        Instant oldest = Instant.parse("2026-01-01T10:00:00Z");
        ready("000000010000000000000007");
        ready("000000010000000000000008");
        ready("00000002.history");
        Files.createFile(status.resolve("000000010000000000000006.done"));
        ready("RECOVERYXLOG");
        Files.setLastModifiedTime(status.resolve("000000010000000000000008.ready"), FileTime.from(oldest));
        Files.setLastModifiedTime(status.resolve("RECOVERYXLOG.ready"), FileTime.from(oldest.minusSeconds(60)));

        assertEquals(new ReadyFiles.Backlog(3, Optional.of(oldest)), new ReadyFiles(pgWal).backlog(),
                "the WAL files marked ready, the others ignored as list() ignores them");
    }

    private void ready(String name) throws Exception {
        Files.createFile(status.resolve(name + ".ready"));
    }
}
