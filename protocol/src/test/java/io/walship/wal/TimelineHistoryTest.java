package io.walship.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walship.wal.TimelineHistory.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimelineHistoryTest {

    private static final WalFileName TLI_2 = WalFileName.parse("00000002.history");
    private static final WalFileName TLI_3 = WalFileName.parse("00000003.history");
    /**
     * As PostgreSQL writes it for timeline 3: timeline 2's file copied verbatim, then a newline in case that file
     * lacked one, then the line of the switch from 2 to 3.
     */
    static final String TIMELINE_3 = "1\t0/3000060\tno recovery target specified\n"
            + "\n"
            + "2\t0/50000D8\tbefore 2024-03-01 12:00:00.123456+00\n";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String problem(WalFileName name, String content) {
        return problem(name, utf8(content));
    }

    /** The problem, which parse() must report the same way. */
    private static String problem(WalFileName name, byte[] content) {
        Optional<String> problem = TimelineHistory.problem(name, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimelineHistory.parse(name, content));
        assertEquals(Optional.of(e.getMessage()), problem);
        return problem.get();
    }

    // ---- accepted ----

    @Test
    void aHistoryOfTimeline3ListsItsTwoSwitches() {
        TimelineHistory history = TimelineHistory.parse(TLI_3, utf8(TIMELINE_3));

        assertEquals(3, history.timeline());
        assertEquals(List.of(new Entry(1, 0x3000060L, "no recovery target specified"),
                new Entry(2, 0x50000D8L, "before 2024-03-01 12:00:00.123456+00")), history.entries());
        assertEquals(Optional.empty(), TimelineHistory.problem(TLI_3, utf8(TIMELINE_3)));
    }

    @Test
    void theFirstSwitchAlone() {
        TimelineHistory history = TimelineHistory.parse(TLI_2, utf8("1\t0/3000060\tno recovery target specified\n"));

        assertEquals(List.of(new Entry(1, 0x3000060L, "no recovery target specified")), history.entries());
    }

    @Test
    void theSwitchPointIsA64BitLsn() {
        TimelineHistory history = TimelineHistory.parse(TLI_2, utf8("1\tFFFFFFFF/FF000000\tat restore point \"x\"\n"));

        assertEquals(0xFFFF_FFFF_FF00_0000L, history.entries().getFirst().switchLsn());
    }

    @Test
    void commentsBlankLinesAndLeadingWhitespaceAreSkippedAsPostgresDoes() {
        String content = "# written by hand\n"
                + "   \t\n"
                + "  # indented comment\n"
                + "  1 0/3000060 no recovery target specified\r\n"
                + "2\t0/05000000 ignored\n"
                + "\n";

        assertEquals(List.of(new Entry(1, 0x3000060L, "no recovery target specified"),
                new Entry(2, 0x5000000L, "ignored")), TimelineHistory.parse(TLI_3, utf8(content)).entries());
    }

    @Test
    void theReasonMayBeMissingAndHexMayBeLowerCase() {
        assertEquals(List.of(new Entry(1, 0xA_0000_00FFL, "")),
                TimelineHistory.parse(TLI_2, utf8("1\ta/ff")).entries());
        assertEquals(List.of(new Entry(1, 0xA_0000_00FFL, "")),
                TimelineHistory.parse(TLI_2, utf8("1\tA/000000FF\t\n")).entries());
    }

    @Test
    void reasonsMayBeUnicode() {
        assertEquals("at restore point \"café ✓\"",
                TimelineHistory.parse(TLI_2, utf8("1\t0/3000060\tat restore point \"café ✓\"\n"))
                        .entries().getFirst().reason());
    }

    @Test
    void aLatin1ReasonAndCommentAreAcceptedAndTheReasonReadWithReplacementCharacters() {
        byte[] latin1 = ("# écrit à la main\n1\t0/3000060\tat restore point \"avant_mise_à_jour\"\n")
                .getBytes(StandardCharsets.ISO_8859_1);

        assertEquals(Optional.empty(), TimelineHistory.problem(TLI_2, latin1));
        assertEquals(List.of(new Entry(1, 0x3000060L, "at restore point \"avant_mise_\uFFFD_jour\"")),
                TimelineHistory.parse(TLI_2, latin1).entries());
    }

    @Test
    void theLongestLineIsCountedInTheFilesBytesNotInDecodedCharacters() {
        String start = "1\t0/3000060\t";
        String line = start + "é".repeat(TimelineHistory.MAX_LINE - start.length());

        assertEquals(Optional.empty(), TimelineHistory.problem(TLI_2, line.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("00000002.history line 1 is 1024 bytes; PostgreSQL reads at most 1023 bytes of a line and would "
                + "fail on the rest at recovery, so the file is damaged",
                problem(TLI_2, (line + "é").getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aLineOfExactlyTheLongestLengthIsAccepted() {
        String line = "1\t0/3000060\t";
        line += "r".repeat(TimelineHistory.MAX_LINE - line.length());

        assertEquals(Optional.empty(), TimelineHistory.problem(TLI_2, utf8(line + "\n")));
    }

    @Test
    void theEntriesCannotBeChanged() {
        TimelineHistory history = TimelineHistory.parse(TLI_3, utf8(TIMELINE_3));

        assertThrows(UnsupportedOperationException.class, () -> history.entries().clear());
    }

    // ---- refused: not text ----

    @Test
    void empty() {
        assertEquals("00000002.history is empty; PostgreSQL never archives an empty timeline history file, so the "
                + "file was truncated", problem(TLI_2, ""));
    }

    @Test
    void aSegmentSizedFile() {
        byte[] content = new byte[16 << 20];
        Arrays.fill(content, (byte) 'x');

        assertEquals("00000002.history is 16777216 bytes, more than the 1048576 a timeline history file can "
                + "reasonably be; it is not a timeline history file", problem(TLI_2, content));
    }

    @Test
    void oneByteOverTheBound() {
        byte[] content = new byte[TimelineHistory.MAX_SIZE + 1];
        Arrays.fill(content, (byte) '#');

        assertEquals("00000002.history is 1048577 bytes, more than the 1048576 a timeline history file can "
                + "reasonably be; it is not a timeline history file", problem(TLI_2, content));
    }

    @Test
    void aNulByte() {
        assertEquals("00000002.history has a NUL byte at offset 11; it is binary, not a timeline history file",
                problem(TLI_2, "1\t0/3000060\0\tno recovery target specified\n"));
    }

    @Test
    void nonAsciiInTheNumbers() {
        // A LATIN1 superscript one, and an Arabic-Indic digit three in UTF-8: neither is a digit to sscanf().
        assertEquals("00000002.history line 1 is '\uFFFD?0/3000060?r', not '<parent timeline> <switch point X/X> "
                + "<reason>'; the file is damaged or not a timeline history file",
                problem(TLI_2, "¹\t0/3000060\tr\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("00000002.history line 1 is '1?0/300006٣?r', not '<parent timeline> <switch point X/X> "
                + "<reason>'; the file is damaged or not a timeline history file",
                problem(TLI_2, "1\t0/300006٣\tr\n"));
    }

    @Test
    void aLineLongerThanPostgresReads() {
        String line = "1\t0/3000060\t" + "r".repeat(TimelineHistory.MAX_LINE);

        assertEquals("00000002.history line 2 is 1035 bytes; PostgreSQL reads at most 1023 bytes of a line and "
                + "would fail on the rest at recovery, so the file is damaged", problem(TLI_2, "# ok\n" + line));
    }

    // ---- refused: not entries ----

    @ParameterizedTest
    @ValueSource(strings = {"hello world", "1", "1\t", "1\t0", "1\t0/", "1\t/3000060", "1A/3000060",
            "1\t0/3000060x reason", "1\t123456789/0", "1\t0/123456789", "-1\t0/3000060", "+1\t0/3000060",
            "1\t0x0/3000060", "12345678901\t0/3000060", "1,0/3000060", "x 1\t0/3000060"})
    void aLineThatIsNotAnEntry(String line) {
        assertEquals("00000002.history line 1 is '" + line.replace('\t', '?') + "', not '<parent timeline> "
                + "<switch point X/X> <reason>'; the file is damaged or not a timeline history file",
                problem(TLI_2, line + "\n"));
    }

    @Test
    void aLongJunkLineIsShortenedInTheMessage() {
        String message = problem(TLI_2, "z".repeat(500));

        assertEquals("00000002.history line 1 is '" + "z".repeat(80) + "...', not '<parent timeline> <switch point "
                + "X/X> <reason>'; the file is damaged or not a timeline history file", message);
    }

    @Test
    void timelineZero() {
        assertEquals("00000002.history line 1 names timeline 0, which cannot exist (timeline IDs are 1 to "
                + "4294967295); the file is damaged", problem(TLI_2, "0\t0/3000060\treason\n"));
    }

    @Test
    void aTimelineAbove32Bits() {
        WalFileName last = WalFileName.parse("FFFFFFFF.history");

        assertEquals("FFFFFFFF.history line 1 names timeline 4294967296, which cannot exist (timeline IDs are 1 "
                + "to 4294967295); the file is damaged", problem(last, "4294967296\t0/3000060\treason\n"));
        assertEquals(4294967294L, TimelineHistory.parse(last, utf8("4294967294\t0/1\tr\n"))
                .entries().getFirst().parentTimeline());
    }

    // ---- refused: timelines out of order ----

    @Test
    void aRepeatedTimeline() {
        assertEquals("00000003.history line 2: timeline 1 follows timeline 1, but PostgreSQL requires increasing "
                + "timeline IDs; the file is damaged", problem(TLI_3, "1\t0/3000060\ta\n1\t0/5000000\tb\n"));
    }

    @Test
    void aDecreasingTimeline() {
        assertEquals("00000003.history line 3: timeline 1 follows timeline 2, but PostgreSQL requires increasing "
                + "timeline IDs; the file is damaged", problem(TLI_3, "2\t0/3000060\ta\n\n1\t0/5000000\tb\n"));
    }

    @Test
    void aParentThatIsTheFilesOwnTimeline() {
        assertEquals("00000003.history line 4: timeline 3 is not below the file's own timeline 3; the file is "
                + "damaged or was renamed", problem(TLI_3, TIMELINE_3 + "3\t0/7000000\tc\n"));
    }

    @Test
    void aHistoryRenamedToAnEarlierTimeline() {
        assertEquals("00000002.history line 3: timeline 2 is not below the file's own timeline 2; the file is "
                + "damaged or was renamed", problem(TLI_2, TIMELINE_3));
    }

    @Test
    void onlyCommentsAndBlankLines() {
        assertEquals("00000002.history has no timeline switch line; PostgreSQL writes one for every switch, so the "
                + "file is damaged or not a timeline history file", problem(TLI_2, "# nothing\n\n  \n"));
    }

    // ---- refused: the name ----

    @Test
    void timeline1HasNoHistory() {
        assertEquals("00000001.history names timeline 1, which has no parent and so no history file; it is not a "
                + "PostgreSQL timeline history", problem(WalFileName.parse("00000001.history"), TIMELINE_3));
        assertEquals("00000000.history names timeline 0, which has no parent and so no history file; it is not a "
                + "PostgreSQL timeline history", problem(WalFileName.parse("00000000.history"), TIMELINE_3));
    }

    @Test
    void notAHistoryName() {
        assertEquals("000000030000000000000005 is not a timeline history file name",
                problem(WalFileName.parse("000000030000000000000005"), TIMELINE_3));
    }
}
