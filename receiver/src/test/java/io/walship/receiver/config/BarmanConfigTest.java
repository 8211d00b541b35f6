package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Barman's configuration as Barman resolves it. The expected values follow Python's ConfigParser (strict=False,
 * basic interpolation) and Barman's rules for inheriting from [barman] and for its defaults.
 */
class BarmanConfigTest {

    @TempDir
    Path dir;

    private Path home;
    private Path main;

    @BeforeEach
    void paths() throws IOException {
        home = Files.createDirectory(dir.resolve("barman"));
        main = dir.resolve("barman.conf");
    }

    private BarmanConfig load(String text) throws IOException, ConfigException {
        Files.writeString(main, text);
        return BarmanConfig.load(main);
    }

    private ConfigException loadFails(String text, String... fragments) throws IOException {
        Files.writeString(main, text);
        ConfigException e = assertThrows(ConfigException.class, () -> BarmanConfig.load(main));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
        return e;
    }

    private String global() {
        return "[barman]\nbarman_user = barman\nbarman_home = " + home + "\n";
    }

    // ---- Barman's defaults ----

    @Test
    void aServerWithBarmansDefaults() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nconninfo = host=pg user=barman\n");

        assertEquals(home, config.barmanHome());
        assertEquals(home, config.lockDirectory(), "barman_lock_directory defaults to barman_home");
        assertEquals(List.of(main), config.files());
        assertEquals(Set.of("pg"), config.servers().keySet());
        BarmanServerConfig pg = config.servers().get("pg");
        assertEquals(home.resolve("pg"), pg.directories().backupDirectory());
        assertEquals(home.resolve("pg/wals"), pg.directories().walsDirectory());
        assertEquals(home.resolve("pg/wals"), pg.directories().xlogdbDirectory(),
                "xlogdb_directory defaults to wals_directory");
        assertEquals(home.resolve("pg/errors"), pg.directories().errorsDirectory());
        assertEquals(Optional.empty(), pg.compression(), "no compression unless configured");
        assertEquals("Barman's default (no compression)", pg.compressionSource());
    }

    @Test
    void serversInTheOrderOfTheirSections() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[b]\nactive = true\n[a]\nactive = true\n[c]\nactive = true\n");

        assertEquals(List.of("b", "a", "c"), List.copyOf(config.servers().keySet()));
    }

    @Test
    void theLockDirectory() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "barman_lock_directory = /run/barman\n[pg]\nactive = true\n");

        assertEquals(Path.of("/run/barman"), config.lockDirectory());
    }

    // ---- compression: section, then [barman] ----

    @Test
    void compressionIsInheritedFromTheBarmanSection() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "compression = gzip\n[pg]\nactive = true\n[pg2]\ncompression = bzip2\n");

        assertEquals(Optional.of("gzip"), config.servers().get("pg").compression());
        assertTrue(config.servers().get("pg").compressionSource().startsWith("[barman] compression in " + main + ":4"),
                config.servers().get("pg").compressionSource());
        assertEquals(Optional.of("bzip2"), config.servers().get("pg2").compression());
        assertEquals("[pg2] compression in " + main + ":8", config.servers().get("pg2").compressionSource());
    }

    @Test
    void anEmptyOrNoneValueSwitchesCompressionOffInsteadOfInheriting() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "compression = gzip\n[a]\ncompression =\n[b]\ncompression = None\n"
                + "[c]\ncompression = none\n");

        assertEquals(Optional.empty(), config.servers().get("a").compression());
        assertEquals(Optional.empty(), config.servers().get("b").compression());
        assertEquals(Optional.empty(), config.servers().get("c").compression());
    }

    @Test
    void quotesAroundAValueAreRemoved() throws IOException, ConfigException {
        BarmanConfig config = load("[barman]\nbarman_home = '" + home + "'\n[pg]\ncompression = \"gzip\"\n");

        assertEquals(home, config.barmanHome());
        assertEquals(Optional.of("gzip"), config.servers().get("pg").compression());
    }

    @Test
    void keysIgnoreCaseAndColonsDelimitToo() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nCompression: bzip2\nWALS_DIRECTORY = /srv/wals\n");

        assertEquals(Optional.of("bzip2"), config.servers().get("pg").compression());
        assertEquals(Path.of("/srv/wals"), config.servers().get("pg").directories().walsDirectory());
    }

    @Test
    void aSemicolonAfterAValueIsPartOfIt() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "# a comment\n; another\n[pg]\ncompression = gzip ; fast\n");

        assertEquals(Optional.of("gzip ; fast"), config.servers().get("pg").compression(),
                "ConfigParser only knows full-line comments");
    }

    @Test
    void anIndentedLineContinuesTheValueAbove() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\ndescription = one\n  two\ncompression = gzip\n"
                + "   wals_directory = /elsewhere\n");

        assertEquals(Optional.of("gzip\nwals_directory = /elsewhere"), config.servers().get("pg").compression());
        assertEquals(home.resolve("pg/wals"), config.servers().get("pg").directories().walsDirectory());
    }

    @Test
    void aSectionAppearingTwiceIsMergedAndTheLaterValueWins() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\ncompression = gzip\nwals_directory = /a\n[pg]\n"
                + "compression = bzip2\n");

        assertEquals(Optional.of("bzip2"), config.servers().get("pg").compression());
        assertEquals(Path.of("/a"), config.servers().get("pg").directories().walsDirectory());
    }

    // ---- directories and interpolation ----

    @Test
    void directoriesReferToOtherKeysOfTheirSection() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nbase = /srv/backup\nbackup_directory = %(base)s/pg\n"
                + "wals_directory = %(backup_directory)s/archive\nxlogdb_directory = %(base)s/xlogdb\n");

        BarmanServerConfig pg = config.servers().get("pg");
        assertEquals(Path.of("/srv/backup/pg"), pg.directories().backupDirectory());
        assertEquals(Path.of("/srv/backup/pg/archive"), pg.directories().walsDirectory());
        assertEquals(Path.of("/srv/backup/xlogdb"), pg.directories().xlogdbDirectory());
    }

    @Test
    void aReferenceToAKeyOfAnotherSectionStopsBarmanAndWalship() throws IOException {
        // Barman validates each section on its own, where barman_home (of [barman]) and name are unknown.
        loadFails(global() + "[pg]\nwals_directory = %(barman_home)s/pg/wals\n", main + ":5", "%(barman_home)s",
                "Barman cannot read");
        loadFails(global() + "xlogdb_directory = /srv/%(name)s\n[pg]\nactive = true\n", main + ":4", "%(name)s");
    }

    @Test
    void theDefaultsFollowAMovedBackupDirectory() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nbackup_directory = /srv/pg\n");

        assertEquals(Path.of("/srv/pg/wals"), config.servers().get("pg").directories().walsDirectory());
        assertEquals(Path.of("/srv/pg/wals"), config.servers().get("pg").directories().xlogdbDirectory());
    }

    @Test
    void xlogdbDirectoryIsInheritedFromTheBarmanSection() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "xlogdb_directory = /srv/xlogdb\n[pg]\nactive = true\n"
                + "[pg2]\nxlogdb_directory = /srv/own\n");

        assertEquals(Path.of("/srv/xlogdb"), config.servers().get("pg").directories().xlogdbDirectory());
        assertEquals(Path.of("/srv/own"), config.servers().get("pg2").directories().xlogdbDirectory());
    }

    @Test
    void theDefaultSectionFeedsEverySectionAndReferences() throws IOException, ConfigException {
        BarmanConfig config = load("[DEFAULT]\nroot = " + dir + "\n[barman]\nbarman_home = %(root)s/barman\n"
                + "[pg]\nwals_directory = %(root)s/wals/pg\n");

        assertEquals(home, config.barmanHome());
        assertEquals(Set.of("pg"), config.servers().keySet(), "[DEFAULT] is no server");
        assertEquals(dir.resolve("wals/pg"), config.servers().get("pg").directories().walsDirectory());
    }

    @Test
    void aDoublePercentIsAPercentSign() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nwals_directory = /srv/100%%/wals\n");

        assertEquals(Path.of("/srv/100%/wals"), config.servers().get("pg").directories().walsDirectory());
    }

    @Test
    void configurationModelsAreNoServers() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "[pg]\nactive = true\n[pg:switchover]\nmodel = true\ncluster = pg\n");

        assertEquals(Set.of("pg"), config.servers().keySet());
    }

    // ---- configuration_files_directory and .barman.auto.conf ----

    @Test
    void serverFilesAreReadInNameOrderAndLaterFilesOverride() throws IOException, ConfigException {
        Path d = Files.createDirectory(dir.resolve("barman.d"));
        Files.writeString(d.resolve("20-pg.conf"), "[pg]\ncompression = bzip2\n");
        Files.writeString(d.resolve("10-pg.conf"), "[pg]\ncompression = gzip\nwals_directory = /srv/pg\n");
        Files.writeString(d.resolve("30-other.conf"), "[other]\nactive = true\n");
        Files.writeString(d.resolve(".hidden.conf"), "[hidden]\nactive = true\n");
        Files.writeString(d.resolve("pg.conf-template"), "[template]\nactive = true\n");
        Files.createDirectory(d.resolve("dir.conf"));

        BarmanConfig config = load(global() + "configuration_files_directory = " + d + "\n");

        assertEquals(List.of(main, d.resolve("10-pg.conf"), d.resolve("20-pg.conf"), d.resolve("30-other.conf")),
                config.files());
        assertEquals(List.of("pg", "other"), List.copyOf(config.servers().keySet()));
        assertEquals(Optional.of("bzip2"), config.servers().get("pg").compression());
        assertEquals("[pg] compression in " + d.resolve("20-pg.conf") + ":2",
                config.servers().get("pg").compressionSource());
        assertEquals(Path.of("/srv/pg"), config.servers().get("pg").directories().walsDirectory());
    }

    @Test
    void aMissingConfigurationFilesDirectoryIsIgnoredAsBarmanDoes() throws IOException, ConfigException {
        BarmanConfig config = load(global() + "configuration_files_directory = " + dir.resolve("none") + "\n"
                + "[pg]\nactive = true\n");

        assertEquals(List.of(main), config.files());
    }

    @Test
    void anIncludedFileMayNotChangeTheBarmanSection() throws IOException {
        Path d = Files.createDirectory(dir.resolve("barman.d"));
        Files.writeString(d.resolve("pg.conf"), "[barman]\ncompression = gzip\n[pg]\nactive = true\n");

        loadFails(global() + "configuration_files_directory = " + d + "\n", d.resolve("pg.conf").toString(),
                "[barman]");
    }

    @Test
    void barmansAutoConfigurationFileComesLast() throws IOException, ConfigException {
        Path d = Files.createDirectory(dir.resolve("barman.d"));
        Files.writeString(d.resolve("pg.conf"), "[pg]\ncompression = gzip\n");
        Files.writeString(home.resolve(".barman.auto.conf"), "[pg]\ncompression = bzip2\n");

        BarmanConfig config = load(global() + "configuration_files_directory = " + d + "\n");

        assertEquals(Optional.of("bzip2"), config.servers().get("pg").compression());
        assertEquals(home.resolve(".barman.auto.conf"), config.files().getLast());
    }

    // ---- errors ----

    @Test
    void aMissingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> BarmanConfig.load(dir.resolve("none.conf")));
        assertTrue(e.getMessage().contains(dir.resolve("none.conf").toString()), e.getMessage());
    }

    @Test
    void noBarmanSection() throws IOException {
        loadFails("[pg]\nactive = true\n", main.toString(), "[barman]");
    }

    @Test
    void noBarmanHome() throws IOException {
        loadFails("[barman]\nbarman_user = barman\n[pg]\nactive = true\n", main.toString(), "barman_home");
    }

    @Test
    void aRelativeDirectory() throws IOException {
        loadFails(global() + "[pg]\nwals_directory = wals\n", "wals_directory", "absolute");
    }

    @Test
    void anEmptyWalsDirectory() throws IOException {
        loadFails(global() + "[pg]\nwals_directory =\n", main + ":5", "[pg] wals_directory", "empty");
    }

    @Test
    void aReferenceToNothing() throws IOException {
        loadFails(global() + "[pg]\nwals_directory = %(nowhere)s/wals\n", main + ":5", "%(nowhere)s");
    }

    @Test
    void aLonePercentSign() throws IOException {
        loadFails(global() + "[pg]\nwals_directory = /srv/100%/wals\n", main + ":5", "%%");
    }

    @Test
    void aReferenceLoop() throws IOException {
        loadFails(global() + "[pg]\nwals_directory = %(a)s\na = %(b)s\nb = %(a)s\n", main + ":5", "levels");
    }

    @Test
    void aKeyBeforeAnySection() throws IOException {
        loadFails("barman_home = /x\n" + global(), main + ":1", "section");
    }

    @Test
    void aLineThatIsNeitherSectionNorKey() throws IOException {
        loadFails(global() + "[pg]\njust words\n", main + ":5", "just words");
    }

    @Test
    void theReservedNameAll() throws IOException {
        loadFails(global() + "[all]\nactive = true\n", "[all]", "reserved");
    }
}
