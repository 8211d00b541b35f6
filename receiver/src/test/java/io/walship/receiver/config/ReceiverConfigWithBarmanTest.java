package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The receiver configured with {@code barman_config}: servers, directories and compression from Barman. */
class ReceiverConfigWithBarmanTest {

    @TempDir
    Path dir;

    private Path file;
    private Path barmanConf;
    private Path home;

    @BeforeEach
    void files() throws IOException {
        file = dir.resolve("receiver.conf");
        barmanConf = dir.resolve("barman.conf");
        home = Files.createDirectory(dir.resolve("barman"));
        Files.createDirectory(dir.resolve("locks"));
        for (String name : List.of("ca.crt", "receiver.crt", "receiver.key")) {
            Files.writeString(dir.resolve(name), "placeholder\n");
        }
        Files.writeString(barmanConf, """
                [barman]
                barman_user = barman
                barman_home = %s
                barman_lock_directory = %s
                compression = gzip

                [pg]
                conninfo = host=pg
                archiver = on

                [pg-bz]
                conninfo = host=pg2
                compression = bzip2
                wals_directory = %s

                [plain]
                compression =

                [zstd]
                compression = zstd

                [lz4]
                compression = lz4
                """.formatted(home, dir.resolve("locks"), dir.resolve("elsewhere/wals")));
    }

    private static final String RECEIVER = """
            [receiver]
            listen = 127.0.0.1:0
            barman_config = barman.conf
            ca_file = ca.crt
            cert_file = receiver.crt
            key_file = receiver.key
            """;

    private ReceiverConfig load(String text) throws IOException, ConfigException {
        Files.writeString(file, text);
        return ReceiverConfig.load(file);
    }

    private ConfigException loadFails(String text, String... fragments) throws IOException {
        Files.writeString(file, text);
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.load(file));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
        return e;
    }

    @Test
    void serversTakeTheirDirectoriesAndCompressionFromBarman() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "[pg]\nclients = agent1\n[pg-bz]\nclients = agent2\n[plain]\n"
                + "clients = agent3\n");

        assertEquals(home, config.barmanHome());
        assertEquals(Optional.of(barmanConf), config.barmanConfig().map(BarmanConfig::file));
        assertEquals(Optional.empty(), config.barmanVersion(), "auto unless set");
        assertEquals(List.of("pg", "pg-bz", "plain"), List.copyOf(config.servers().keySet()),
                "only the servers walship's file names, not every Barman server");
        assertEquals(Set.of("agent1"), config.servers().get("pg").clients());
        assertEquals(Compression.GZIP, config.servers().get("pg").compression(), "inherited from [barman]");
        assertEquals(Compression.BZIP2, config.servers().get("pg-bz").compression());
        assertEquals(Compression.NONE, config.servers().get("plain").compression(), "an empty value: uncompressed");
        BarmanServer pg = config.servers().get("pg");
        assertEquals(home.resolve("pg"), pg.directories().backupDirectory());
        assertEquals(home.resolve("pg/wals"), pg.directories().walsDirectory());
        assertEquals(home.resolve("pg/wals"), pg.directories().xlogdbDirectory());
        assertEquals(dir.resolve("locks"), pg.directories().lockDirectory());
        assertTrue(pg.compressionSource().startsWith("[barman] compression in " + barmanConf), pg.compressionSource());
        assertEquals(dir.resolve("elsewhere/wals"), config.servers().get("pg-bz").directories().walsDirectory());
        assertEquals(Duration.ofSeconds(60), config.lockTimeout());
    }

    @Test
    void withoutBarmanConfigTheServersUseBarmansDefaultsUnderBarmanHome() throws IOException, ConfigException {
        ReceiverConfig config = load("""
                [receiver]
                barman_home = barman
                ca_file = ca.crt
                cert_file = receiver.crt
                key_file = receiver.key
                compression = bzip2
                [pg]
                clients = a
                [pg2]
                clients = a
                compression = gzip
                """);

        assertEquals(Optional.empty(), config.barmanConfig());
        assertEquals(new ServerDirectories(home.resolve("pg"), home.resolve("pg/wals"), home.resolve("pg/wals"), home,
                home.resolve("pg/errors")),
                config.servers().get("pg").directories());
        assertEquals(file + ":6: [receiver] compression", config.servers().get("pg").compressionSource());
        assertEquals(file + ":11: [pg2] compression", config.servers().get("pg2").compressionSource());
    }

    @ParameterizedTest
    @CsvSource({"3.4, 3.4.0", "3.4.0, 3.4.0", "3.13.1, 3.13.1", "auto, ", "AUTO, "})
    void barmanVersion(String value, String expected) throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "barman_version = " + value + "\n[pg]\nclients = a\n");

        assertEquals(Optional.ofNullable(expected), config.barmanVersion().map(BarmanVersion::toString));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "latest", "3.4.0a1", "v3.4", "3.4.0.1"})
    void aBadBarmanVersion(String value) throws IOException {
        loadFails(RECEIVER + "barman_version = " + value + "\n[pg]\nclients = a\n", file.toString(),
                "barman_version", value);
    }

    // ---- what Barman's configuration decides may not be set twice ----

    @Test
    void barmanHomeComesFromBarman() throws IOException {
        loadFails(RECEIVER + "barman_home = /var/lib/barman\n[pg]\nclients = a\n", file + ":7", "barman_home",
                "Barman's configuration", barmanConf.toString());
    }

    @Test
    void compressionComesFromBarman() throws IOException {
        loadFails(RECEIVER + "compression = zstd\n[pg]\nclients = a\n", file + ":7", "[receiver] compression");
        loadFails(RECEIVER + "[pg]\nclients = a\ncompression = zstd\n", file + ":9", "[pg] compression",
                "[barman] compression in " + barmanConf);
    }

    @Test
    void aServerBarmanDoesNotKnow() throws IOException {
        loadFails(RECEIVER + "[pg3]\nclients = a\n", file + ":8", "[pg3]", "not a server in Barman's configuration",
                "pg, pg-bz, plain, zstd, lz4");
    }

    @Test
    void anUnknownKeyInAServerSection() throws IOException {
        loadFails(RECEIVER + "[pg]\nclients = a\nclient = b\n", file + ":9", "unknown key 'client'");
    }

    @Test
    void aCompressionWalshipCannotWrite() throws IOException {
        loadFails(RECEIVER + "[lz4]\nclients = a\n", "[lz4] compression in " + barmanConf, "lz4",
                "walship cannot write");
    }

    @Test
    void aCompressionBarmanDoesNotKnow() throws IOException {
        Files.writeString(barmanConf, Files.readString(barmanConf) + "[odd]\ncompression = gzip ; fast\n");

        loadFails(RECEIVER + "[odd]\nclients = a\n", "[odd] compression", "'gzip ; fast'", "not a compression");
    }

    @Test
    void barmanHomeMustExist() throws IOException {
        Files.delete(home);

        loadFails(RECEIVER + "[pg]\nclients = a\n", barmanConf.toString(), home.toString(), "not a directory");
    }

    @Test
    void barmansLockDirectoryMustExist() throws IOException {
        Files.delete(dir.resolve("locks"));

        loadFails(RECEIVER + "[pg]\nclients = a\n", barmanConf.toString(), "barman_lock_directory",
                dir.resolve("locks").toString(), "not a directory");
    }

    @Test
    void aMissingBarmanConfiguration() throws IOException {
        Files.delete(barmanConf);

        loadFails(RECEIVER + "[pg]\nclients = a\n", barmanConf.toString(), "no such Barman configuration file");
    }

    // ---- what the installed Barman can read ----

    @Test
    void zstdNeedsBarman312WhenBarmanAsksForIt() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "[zstd]\nclients = a\n[pg]\nclients = a\n");

        ConfigException e = assertThrows(ConfigException.class,
                () -> config.checkReadableBy(BarmanVersion.parse("3.4.0")));
        assertTrue(e.getMessage().contains("[zstd] compression in " + barmanConf), e.getMessage());
        assertTrue(e.getMessage().contains("Barman 3.4.0 cannot read zstd"), e.getMessage());
        assertTrue(e.getMessage().contains("3.12"), e.getMessage());
        assertEquals(List.of(), config.checkReadableBy(BarmanVersion.parse("3.12.0")));
        List<String> unknown = config.checkReadableBy(Optional.empty());
        assertEquals(1, unknown.size(), unknown.toString());
        assertTrue(unknown.getFirst().contains("the Barman release is unknown; set barman_version"), unknown.toString());
    }

    private static final String TWO_SERVERS = """
            [receiver]
            barman_home = barman
            ca_file = ca.crt
            cert_file = receiver.crt
            key_file = receiver.key
            %s
            [pg]
            clients = a
            [pg-bz]
            clients = a
            compression = bzip2
            """;

    @Test
    void walshipsDefaultIsTheBestCodecTheBarmanThatReadsTheArchiveReads() throws IOException, ConfigException {
        ReceiverConfig config = load(TWO_SERVERS.formatted(""));

        assertEquals(List.of(), config.checkReadableBy(BarmanVersion.parse("3.4.0")));
        assertEquals(Compression.GZIP, config.readBy(BarmanVersion.parse("3.4.0")).servers().get("pg").compression());
        assertTrue(config.readBy(BarmanVersion.parse("3.4.0")).servers().get("pg").compressionSource()
                .contains("gzip, the best Barman 3.4.0 reads"));
        assertEquals(Compression.ZSTD, config.readBy(BarmanVersion.parse("3.12.0")).servers().get("pg").compression());
        assertEquals(Compression.GZIP, config.readBy(Optional.empty()).servers().get("pg").compression(),
                "gzip, which every Barman reads, while the release is unknown");
        assertEquals(Compression.BZIP2, config.readBy(BarmanVersion.parse("3.4.0")).servers().get("pg-bz")
                .compression(), "a configured codec stays");
    }

    @Test
    void withoutBarmanTheDefaultIsZstdAndNothingIsChecked() throws IOException, ConfigException {
        ReceiverConfig config = load(TWO_SERVERS.formatted("barman_version = none\ncompression = zstd"));

        assertTrue(config.withoutBarman());
        assertEquals(List.of(), config.checkReadableBy(Optional.empty()));
        assertEquals(Compression.ZSTD, config.readBy(Optional.empty()).servers().get("pg").compression());
    }

    @Test
    void aConfiguredCodecTheBarmanCannotReadStopsTheStart() throws IOException, ConfigException {
        ReceiverConfig config = load(TWO_SERVERS.formatted("compression = zstd"));

        ConfigException e = assertThrows(ConfigException.class,
                () -> config.checkReadableBy(BarmanVersion.parse("3.4.0")));

        assertTrue(e.getMessage().contains("[receiver] compression: Barman 3.4.0 cannot read zstd-compressed WAL"),
                e.getMessage());
        assertTrue(e.getMessage().contains("barman_version = none"), e.getMessage());
    }
}
