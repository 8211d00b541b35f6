package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.Compression;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BarmanVersionTest {

    private static BarmanVersion v(String text) {
        return BarmanVersion.parse(text).orElseThrow();
    }

    @ParameterizedTest
    @CsvSource({
        "3.4.0, 3.4.0",
        "3.4, 3.4.0",
        "3.13.1, 3.13.1",
        "'3.4.0 Barman by EnterpriseDB (www.enterprisedb.com)', 3.4.0",
        "3.12.0a1, 3.12.0",
        "'  2.19\n', 2.19.0"})
    void parse(String text, String expected) {
        assertEquals(expected, v(text).toString());
    }

    @Test
    void notAVersion() {
        assertEquals(Optional.empty(), BarmanVersion.parse("Barman 3.4"));
        assertEquals(Optional.empty(), BarmanVersion.parse("3"));
        assertEquals(Optional.empty(), BarmanVersion.parse(""));
    }

    @Test
    void theTwoBoundaries() {
        assertFalse(v("3.11.1").readsZstd());
        assertTrue(v("3.12.0").readsZstd());
        assertTrue(v("3.17.0").readsZstd());
        assertFalse(v("3.12.1").readsServerXlogDb());
        assertTrue(v("3.13.0").readsServerXlogDb());
        assertTrue(v("4.0").readsServerXlogDb());
        assertTrue(v("3.4.0").compareTo(v("3.10.0")) < 0, "numbers compare as numbers, not text");
    }

    @Test
    void detectReadsWhatTheCommandPrints() {
        BarmanVersion.Detected detected = BarmanVersion.detect(
                List.of("sh", "-c", "echo '3.4.0 Barman by EnterpriseDB (www.enterprisedb.com)'"), Duration.ofSeconds(30));

        assertEquals(Optional.of(v("3.4.0")), detected.version());
        assertTrue(detected.how().contains("says 3.4.0"), detected.how());
    }

    @Test
    void detectWithoutBarman() {
        BarmanVersion.Detected detected = BarmanVersion.detect(List.of("walship-no-such-barman", "--version"),
                Duration.ofSeconds(30));

        assertEquals(Optional.empty(), detected.version());
        assertTrue(detected.how().contains("cannot run 'walship-no-such-barman --version'"), detected.how());
    }

    @Test
    void detectWithABrokenBarman() {
        BarmanVersion.Detected detected = BarmanVersion.detect(
                List.of("sh", "-c", "echo 'ModuleNotFoundError: barman' >&2; exit 1"), Duration.ofSeconds(30));

        assertEquals(Optional.empty(), detected.version());
        assertTrue(detected.how().contains("exited with 1"), detected.how());
        assertTrue(detected.how().contains("ModuleNotFoundError"), detected.how());
    }

    @Test
    void detectGivesUpOnAHangingCommand() {
        BarmanVersion.Detected detected = BarmanVersion.detect(List.of("sleep", "30"), Duration.ofMillis(200));

        assertEquals(Optional.empty(), detected.version());
        assertTrue(detected.how().contains("did not answer"), detected.how());
    }

    @ParameterizedTest
    @CsvSource({"gzip, GZIP", "pygzip, GZIP", "pigz, GZIP", "bzip2, BZIP2", "pybzip2, BZIP2", "zstd, ZSTD"})
    void barmanCompressionNames(String barman, Compression expected) throws ConfigException {
        assertEquals(expected, BarmanCompression.of(Optional.of(barman), "here"));
    }

    @ParameterizedTest
    @CsvSource({"GZIP, not a compression Barman knows", "gz, not a compression Barman knows",
        "lz4, walship cannot write", "xz, walship cannot write", "snappy, walship cannot write",
        "custom, walship cannot write"})
    void barmanCompressionsWalshipRefuses(String barman, String why) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BarmanCompression.of(Optional.of(barman), "barman.conf:3: [pg] compression"));
        assertTrue(e.getMessage().startsWith("barman.conf:3: [pg] compression: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void noBarmanCompressionIsNone() throws ConfigException {
        assertEquals(Compression.NONE, BarmanCompression.of(Optional.empty(), "here"));
    }

    @Test
    void whatEachBarmanReads() {
        assertTrue(BarmanCompression.readable(Compression.GZIP, v("3.4.0")));
        assertTrue(BarmanCompression.readable(Compression.BZIP2, v("3.4.0")));
        assertTrue(BarmanCompression.readable(Compression.NONE, v("3.4.0")));
        assertFalse(BarmanCompression.readable(Compression.ZSTD, v("3.11.1")));
        assertTrue(BarmanCompression.readable(Compression.ZSTD, v("3.12.0")));
    }
}
