package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackupHistoryFileTest {

    private static final long MIB = 1L << 20;
    private static final long SIXTEEN_MIB = 16 * MIB;
    private static final WalFileName NAME = WalFileName.parse("000000010000000000000002.00000028.backup");
    /** As PostgreSQL 15 writes it at the end of pg_basebackup, for 16 MiB segments. */
    static final String PG15 = """
            START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
            STOP WAL LOCATION: 0/2000138 (file 000000010000000000000002)
            CHECKPOINT LOCATION: 0/2000060
            BACKUP METHOD: streamed
            BACKUP FROM: primary
            START TIME: 2024-03-01 12:00:00 UTC
            LABEL: pg_basebackup base backup
            START TIMELINE: 1
            STOP TIME: 2024-03-01 12:00:01 UTC
            STOP TIMELINE: 1
            """;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String problem(WalFileName name, String content) {
        return problem(name, utf8(content));
    }

    /** The problem, which parse() must report the same way. */
    private static String problem(WalFileName name, byte[] content) {
        Optional<String> problem = BackupHistoryFile.problem(name, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupHistoryFile.parse(name, content));
        assertEquals(Optional.of(e.getMessage()), problem);
        return problem.get();
    }

    private static String problem(WalFileName name, String content, long segmentSize) {
        Optional<String> problem = BackupHistoryFile.problem(name, utf8(content), segmentSize);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackupHistoryFile.parse(name, utf8(content), segmentSize));
        assertEquals(Optional.of(e.getMessage()), problem);
        return problem.get();
    }

    private static String withStart(String location) {
        return PG15.replace("START WAL LOCATION: 0/2000028 (file 000000010000000000000002)",
                "START WAL LOCATION: " + location);
    }

    // ---- accepted ----

    @Test
    void whatPostgres15Writes() {
        BackupHistoryFile file = BackupHistoryFile.parse(NAME, utf8(PG15));

        assertEquals(0x2000028L, file.startLsn());
        assertEquals("000000010000000000000002", file.startFile());
        assertEquals(Optional.of("pg_basebackup base backup"), file.field("LABEL"));
        assertEquals(Optional.of("0/2000138 (file 000000010000000000000002)"), file.field("STOP WAL LOCATION"));
        assertEquals(Optional.of("1"), file.field("STOP TIMELINE"));
        assertEquals(Optional.empty(), file.field("INCREMENTAL FROM LSN"));
        assertEquals(List.of("START WAL LOCATION", "STOP WAL LOCATION", "CHECKPOINT LOCATION", "BACKUP METHOD",
                "BACKUP FROM", "START TIME", "LABEL", "START TIMELINE", "STOP TIME", "STOP TIMELINE"),
                List.copyOf(file.fields().keySet()));
        assertEquals(Optional.empty(), BackupHistoryFile.problem(NAME, utf8(PG15)));
        assertEquals(Optional.empty(), BackupHistoryFile.problem(NAME, utf8(PG15), SIXTEEN_MIB));
    }

    @Test
    void whatPostgres18WritesWithZeroPaddedLsnsAndAnIncrementalBackup() {
        String content = PG15.replace("0/2000028", "0/02000028").replace("0/2000138", "0/02000138")
                .replace("0/2000060", "0/02000060")
                + "INCREMENTAL FROM LSN: 0/01000028\nINCREMENTAL FROM TLI: 1\n";

        BackupHistoryFile file = BackupHistoryFile.parse(NAME, utf8(content));

        assertEquals(0x2000028L, file.startLsn());
        assertEquals(Optional.of("1"), file.field("INCREMENTAL FROM TLI"));
    }

    @Test
    void onlyTheStartLocationIsRequired() {
        assertEquals(0x2000028L, BackupHistoryFile.parse(NAME,
                utf8("START WAL LOCATION: 0/2000028 (file 000000010000000000000002)")).startLsn());
    }

    @Test
    void aLabelWithNewlinesAndAnEmptyLabelAreKeptAsWritten() {
        String content = PG15.replace("LABEL: pg_basebackup base backup", "LABEL: nightly\nsecond line: ok\n");

        assertEquals(Optional.of("nightly"), BackupHistoryFile.parse(NAME, utf8(content)).field("LABEL"));
        assertEquals(Optional.of(""), BackupHistoryFile.parse(NAME,
                utf8(PG15.replace("LABEL: pg_basebackup base backup", "LABEL: "))).field("LABEL"));
    }

    @Test
    void aLatin1LabelIsAcceptedAndReadWithReplacementCharacters() {
        byte[] latin1 = PG15.replace("base backup", "sauvegarde à 3h").getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8 = utf8(PG15.replace("base backup", "sauvegarde à 3h"));

        assertEquals(Optional.empty(), BackupHistoryFile.problem(NAME, latin1));
        assertEquals(Optional.of("pg_basebackup sauvegarde \uFFFD 3h"),
                BackupHistoryFile.parse(NAME, latin1).field("LABEL"));
        assertEquals(Optional.of("pg_basebackup sauvegarde à 3h"), BackupHistoryFile.parse(NAME, utf8).field("LABEL"));
    }

    @Test
    void theFirstOfRepeatedKeysCounts() {
        String content = PG15 + "LABEL: second\n";

        assertEquals(Optional.of("pg_basebackup base backup"),
                BackupHistoryFile.parse(NAME, utf8(content)).field("LABEL"));
    }

    @Test
    void theSegmentSizeIsFoundFromTheNameAndTheLsn() {
        // 00000001000000010000000A starts at 1/00A00000 with 1 MiB segments, at 1/0A000000 with 16 MiB ones.
        WalFileName name = WalFileName.parse("00000001000000010000000A.00000028.backup");
        String content = "START WAL LOCATION: 1/A00028 (file 00000001000000010000000A)\n";

        assertEquals(0x1_00A0_0028L, BackupHistoryFile.parse(name, utf8(content)).startLsn());
        assertEquals(Optional.empty(), BackupHistoryFile.problem(name, utf8(content), MIB));
        assertEquals("00000001000000010000000A.00000028.backup says the backup started at 1/00A00028, which is not "
                + "at offset 00000028 of 00000001000000010000000A with 16777216-byte segments; the file was renamed "
                + "or damaged", problem(name, content, SIXTEEN_MIB));
    }

    @Test
    void aBackupDeepIntoA1GiBSegment() {
        WalFileName name = WalFileName.parse("000000030000100000000003.3FFFFFF8.backup");
        String content = "START WAL LOCATION: 1000/FFFFFFF8 (file 000000030000100000000003)\n";

        assertEquals(0x1000_FFFF_FFF8L, BackupHistoryFile.parse(name, utf8(content), 1L << 30).startLsn());
        assertEquals(Optional.empty(), BackupHistoryFile.problem(name, utf8(content)));
    }

    @Test
    void theFieldsCannotBeChanged() {
        BackupHistoryFile file = BackupHistoryFile.parse(NAME, utf8(PG15));

        assertThrows(UnsupportedOperationException.class, () -> file.fields().clear());
    }

    // ---- refused: not text ----

    @Test
    void empty() {
        assertEquals("000000010000000000000002.00000028.backup is empty; PostgreSQL never archives an empty backup "
                + "history file, so the file was truncated", problem(NAME, ""));
    }

    @Test
    void aSegmentSizedFile() {
        byte[] content = new byte[16 << 20];
        System.arraycopy(utf8(PG15), 0, content, 0, PG15.length());
        Arrays.fill(content, PG15.length(), content.length, (byte) '\n');

        assertEquals("000000010000000000000002.00000028.backup is 16777216 bytes, more than the 65536 a backup "
                + "history file can reasonably be; it is not a backup history file", problem(NAME, content));
    }

    @Test
    void oneByteOverTheBound() {
        byte[] content = Arrays.copyOf(utf8(PG15), BackupHistoryFile.MAX_SIZE + 1);
        Arrays.fill(content, PG15.length(), content.length, (byte) ' ');

        assertEquals("000000010000000000000002.00000028.backup is 65537 bytes, more than the 65536 a backup "
                + "history file can reasonably be; it is not a backup history file", problem(NAME, content));
        assertEquals(Optional.empty(), BackupHistoryFile.problem(NAME, Arrays.copyOf(content, content.length - 1)));
    }

    @Test
    void aNulByte() {
        assertEquals("000000010000000000000002.00000028.backup has a NUL byte at offset 61; it is binary, not a "
                + "backup history file", problem(NAME, PG15.replace("\nSTOP", "\0STOP")));
    }

    // ---- refused: the start location ----

    @ParameterizedTest
    @ValueSource(strings = {"hello", "", "LABEL: x", "START WAL LOCATION 0/2000028 (file 000000010000000000000002)",
            "start wal location: 0/2000028 (file 000000010000000000000002)",
            " START WAL LOCATION: 0/2000028 (file 000000010000000000000002)"})
    void aFirstLineThatIsNotTheStartLocation(String first) {
        assertEquals("000000010000000000000002.00000028.backup starts with '" + first + "', not 'START WAL "
                + "LOCATION: X/X (file NAME)'; the file is damaged or not a backup history file",
                problem(NAME, first + "\n" + PG15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/2000028", "0/2000028 (file 000000010000000000000002", "0/2000028 (000000010000000000000002)",
            "0/2000028 (file 00000001000000000000002)", "0/2000028 (file 000000010000000000000002) ",
            "0/2000028  (file 000000010000000000000002)", "0/2000028 (file 00000001000000000000000b)",
            "0x0/2000028 (file 000000010000000000000002)", "0/123456789 (file 000000010000000000000002)",
            "2000028 (file 000000010000000000000002)", "", "0/２000028 (file 000000010000000000000002)",
            "0/2000028 (file 00000001000000000000000٢)"})
    void aMalformedStartLocation(String location) {
        assertEquals("000000010000000000000002.00000028.backup has 'START WAL LOCATION: " + location + "', not "
                + "'START WAL LOCATION: X/X (file NAME)'; the file is damaged or not a backup history file",
                problem(NAME, withStart(location)));
    }

    @Test
    void aStartFileOfAnotherSegment() {
        assertEquals("000000010000000000000002.00000028.backup says the backup started in 000000010000000000000003, "
                + "not in 000000010000000000000002; the file was renamed or damaged",
                problem(NAME, withStart("0/3000028 (file 000000010000000000000003)")));
    }

    @Test
    void aStartFileOfAnotherTimeline() {
        assertEquals("000000010000000000000002.00000028.backup says the backup started in 000000020000000000000002, "
                + "not in 000000010000000000000002; the file was renamed or damaged",
                problem(NAME, withStart("0/2000028 (file 000000020000000000000002)")));
    }

    @Test
    void anLsnAtAnotherOffsetThanTheName() {
        WalFileName renamed = WalFileName.parse("000000010000000000000002.00000030.backup");

        assertEquals("000000010000000000000002.00000030.backup says the backup started at 0/02000028, which is not "
                + "at offset 00000030 of 000000010000000000000002 for any segment size; the file was renamed or "
                + "damaged", problem(renamed, PG15));
    }

    @Test
    void anLsnOutsideTheNamedSegment() {
        assertEquals("000000010000000000000002.00000028.backup says the backup started at 0/03000028, which is not "
                + "at offset 00000028 of 000000010000000000000002 for any segment size; the file was renamed or "
                + "damaged", problem(NAME, withStart("0/3000028 (file 000000010000000000000002)")));
    }

    @Test
    void anOffsetBeyondTheSegment() {
        // 0/300000 is segment 2 + 1 MiB with 1 MiB segments: the offset would be a whole segment.
        WalFileName name = WalFileName.parse("000000010000000000000002.00100000.backup");

        assertEquals("000000010000000000000002.00100000.backup says the backup started at 0/00300000, which is not "
                + "at offset 00100000 of 000000010000000000000002 for any segment size; the file was renamed or "
                + "damaged", problem(name, "START WAL LOCATION: 0/300000 (file 000000010000000000000002)\n"));
    }

    @Test
    void aSegmentNumberTooLargeForTheKnownSegmentSize() {
        WalFileName name = WalFileName.parse("000000010000000000000100.00000028.backup");
        String content = "START WAL LOCATION: 0/80000028 (file 000000010000000000000100)\n";

        assertEquals(Optional.empty(), BackupHistoryFile.problem(name, utf8(content), 8 * MIB));
        assertEquals("000000010000000000000100.00000028.backup says the backup started at 0/80000028, which is not "
                + "at offset 00000028 of 000000010000000000000100 with 16777216-byte segments; the file was renamed "
                + "or damaged", problem(name, content, SIXTEEN_MIB));
    }

    @Test
    void aLatin1ByteInTheStartLocation() {
        byte[] content = withStart("0/2000028 (file 00000001000000000000000²)").getBytes(StandardCharsets.ISO_8859_1);

        assertEquals("000000010000000000000002.00000028.backup has 'START WAL LOCATION: 0/2000028 (file "
                + "00000001000000000000000\uFFFD)', not 'START WAL LOCATION: X/X (file NAME)'; the file is damaged or "
                + "not a backup history file", problem(NAME, content));
    }

    @Test
    void aMalformedStopLocation() {
        assertEquals("000000010000000000000002.00000028.backup has 'STOP WAL LOCATION: 0/2000138', not 'STOP WAL "
                + "LOCATION: X/X (file NAME)'; the file is damaged or not a backup history file",
                problem(NAME, PG15.replace("0/2000138 (file 000000010000000000000002)", "0/2000138")));
    }

    // ---- refused: the arguments ----

    @ParameterizedTest
    @ValueSource(longs = {0, 1000, 3 * MIB, 1L << 31})
    void anImpossibleSegmentSize(long segmentSize) {
        assertEquals(segmentSize + " bytes is not a WAL segment size (a power of two from 1 MiB to 1 GiB)",
                problem(NAME, PG15, segmentSize));
    }

    @Test
    void notABackupName() {
        assertEquals("00000002.history is not a backup history file name",
                problem(WalFileName.parse("00000002.history"), PG15));
        assertEquals("000000010000000000000002 is not a backup history file name",
                problem(WalFileName.parse("000000010000000000000002"), PG15, SIXTEEN_MIB));
    }
}
