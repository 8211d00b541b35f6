package io.walship.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IniFileTest {

    private static final Path FILE = Path.of("conf", "walship.conf");

    private static IniFile parse(String text) throws ConfigException {
        return IniFile.parse(FILE, text.lines().toList());
    }

    private static ConfigException parseFails(String text) {
        return assertThrows(ConfigException.class, () -> parse(text));
    }

    private static void assertMentions(ConfigException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void sectionsAndKeys() throws ConfigException {
        IniFile ini = parse("""
                [receiver]
                listen = 127.0.0.1:5433
                barman_home = /var/lib/barman

                [pg]
                clients = agent1, agent2
                [pg2]
                """);

        assertEquals(List.of("receiver", "pg", "pg2"), ini.sections().stream().map(IniSection::name).toList());
        IniSection receiver = ini.requireSection("receiver");
        assertEquals(List.of("listen", "barman_home"), List.copyOf(receiver.keys()));
        assertEquals(Optional.of("127.0.0.1:5433"), receiver.optional("listen"));
        assertEquals(Optional.of("/var/lib/barman"), receiver.optional("barman_home"));
        assertEquals(Optional.of("agent1, agent2"), ini.requireSection("pg").optional("clients"));
        assertTrue(ini.requireSection("pg2").keys().isEmpty());
        assertEquals(FILE, ini.file());
    }

    @Test
    void theAgentExampleOfTheDocumentationParses() throws ConfigException {
        IniSection agent = parse("""
                [agent]
                receiver = 127.0.0.1:5433
                server = pg                 ; the Barman server name
                ca_file = /etc/walship/ca.crt
                cert_file = /etc/walship/agent.crt
                key_file = /etc/walship/agent.key
                """).requireSection("agent");

        assertEquals(Optional.of("pg"), agent.optional("server"));
        assertEquals(Optional.of("/etc/walship/agent.key"), agent.optional("key_file"));
    }

    @Test
    void theReceiverExampleOfTheDocumentationParses() throws ConfigException {
        IniFile ini = parse("""
                [receiver]
                listen = 127.0.0.1:5433
                barman_home = /var/lib/barman
                compression = zstd          ; zstd|gzip|bzip2|none, default zstd
                [pg]                        ; one section per Barman server
                clients = agent1, agent2    ; certificate CNs allowed to push/fetch for this server
                compression = gzip          ; optional override
                """);

        assertEquals(Optional.of("zstd"), ini.requireSection("receiver").optional("compression"));
        IniSection pg = ini.requireSection("pg");
        assertEquals(List.of("agent1", "agent2"), pg.list("clients"));
        assertEquals(Optional.of("gzip"), pg.optional("compression"));
    }

    @Test
    void colonSeparatesKeyAndValueToo() throws ConfigException {
        IniSection section = parse("""
                [agent]
                receiver: 127.0.0.1:5433
                server:pg
                listen=[::1]:5433
                """).requireSection("agent");

        assertEquals(Optional.of("127.0.0.1:5433"), section.optional("receiver"));
        assertEquals(Optional.of("pg"), section.optional("server"));
        assertEquals(Optional.of("[::1]:5433"), section.optional("listen"));
    }

    @Test
    void comments() throws ConfigException {
        IniSection section = parse("""
                # full line
                ; full line
                [s]
                   # indented comment
                \t; indented with a tab
                a = 1 # inline hash
                b = 2 ; inline semicolon
                c = 3\t# after a tab
                d = x#y
                e = x;y
                f = /path/with #hash; and ;semicolon
                """).requireSection("s");

        assertEquals(List.of("a", "b", "c", "d", "e", "f"), List.copyOf(section.keys()));
        assertEquals(Optional.of("1"), section.optional("a"));
        assertEquals(Optional.of("2"), section.optional("b"));
        assertEquals(Optional.of("3"), section.optional("c"));
        assertEquals(Optional.of("x#y"), section.optional("d"), "no whitespace before #: part of the value");
        assertEquals(Optional.of("x;y"), section.optional("e"));
        assertEquals(Optional.of("/path/with"), section.optional("f"));
    }

    @Test
    void aValueThatIsOnlyAnInlineCommentIsEmpty() throws ConfigException {
        IniSection section = parse("""
                [receiver]
                compression =     ; default zstd
                listen = # later
                """).requireSection("receiver");

        assertEquals(Optional.empty(), section.optional("compression"));
        assertEquals(Optional.empty(), section.optional("listen"));
    }

    @Test
    void emptyValueIsAbsent() throws ConfigException {
        IniSection section = parse("""
                [s]
                empty =
                blank =\s\s\s
                """).requireSection("s");

        assertEquals(List.of("empty", "blank"), List.copyOf(section.keys()));
        assertEquals(Optional.empty(), section.optional("empty"));
        assertEquals(Optional.empty(), section.optional("blank"));
    }

    @Test
    void whitespaceAroundKeysValuesAndSectionNamesIsIgnored() throws ConfigException {
        IniFile ini = parse("""
                  [ pg ]  \s
                    clients   =   agent1  \s
                """);

        assertEquals(Optional.of("agent1"), ini.requireSection("pg").optional("clients"));
    }

    @Test
    void keysAreLowerCasedSectionNamesAreNot() throws ConfigException {
        IniFile ini = parse("""
                [PG]
                Clients = agent1
                CA_FILE = ca.crt
                """);

        IniSection section = ini.requireSection("PG");
        assertEquals(List.of("clients", "ca_file"), List.copyOf(section.keys()));
        assertEquals("agent1", section.require("clients", "CNs"));
        assertEquals(Optional.empty(), ini.section("pg"));
    }

    @Test
    void valuesKeepTheirCase() throws ConfigException {
        assertEquals(Optional.of("/Etc/Walship/CA.crt"),
                parse("[a]\nca_file = /Etc/Walship/CA.crt").requireSection("a").optional("ca_file"));
    }

    @Test
    void windowsLineEndings() throws ConfigException {
        IniFile ini = IniFile.parse(FILE, List.of("[agent]\r", "server = pg\r"));
        assertEquals(Optional.of("pg"), ini.requireSection("agent").optional("server"));
    }

    @Test
    void duplicateSectionNamesFileAndLine() {
        ConfigException e = parseFails("""
                [pg]
                clients = a

                [receiver]
                [pg]
                """);
        assertMentions(e, FILE + ":5", "[pg]", "twice");
    }

    @Test
    void duplicateKeyNamesFileLineAndFirstLine() {
        ConfigException e = parseFails("""
                [receiver]
                listen = 127.0.0.1:5433
                # comment
                listen = 127.0.0.1:5434
                """);
        assertMentions(e, FILE + ":4", "[receiver]", "listen", "line 2");
    }

    @Test
    void duplicateKeyIsCaseInsensitive() {
        ConfigException e = parseFails("""
                [pg]
                Clients = a
                clients = b
                """);
        assertMentions(e, FILE + ":3", "clients", "line 2");
    }

    @Test
    void sameKeyInTwoSectionsIsFine() throws ConfigException {
        IniFile ini = parse("""
                [receiver]
                compression = zstd
                [pg]
                compression = gzip
                """);
        assertEquals(Optional.of("zstd"), ini.requireSection("receiver").optional("compression"));
        assertEquals(Optional.of("gzip"), ini.requireSection("pg").optional("compression"));
    }

    @Test
    void keyOutsideAnySection() {
        ConfigException e = parseFails("""
                # leading comment
                server = pg
                [agent]
                """);
        assertMentions(e, FILE + ":2", "server", "outside any section");
    }

    @ParameterizedTest
    @ValueSource(strings = {"just some words", "[unterminated", "= value", "key value", "key with space = x", "]"})
    void unparseableLineNamesFileLineAndText(String line) {
        ConfigException e = parseFails("[s]\na = 1\n" + line + "\n");
        assertMentions(e, FILE + ":3", line);
    }

    @Test
    void requireSection() throws ConfigException {
        IniFile ini = parse("[agent]\nserver = pg\n");

        assertTrue(ini.section("agent").isPresent());
        assertFalse(ini.section("receiver").isPresent());
        ConfigException e = assertThrows(ConfigException.class, () -> ini.requireSection("receiver"));
        assertMentions(e, FILE.toString(), "missing section [receiver]");
    }

    @Test
    void aMissingSectionNamesTheSectionsThereAre() throws ConfigException {
        IniFile ini = parse("[recevier]\nlisten = 0.0.0.0:9433\n\n[pg]\nclients = pg1\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ini.requireSection("receiver"));

        assertEquals(FILE + ": missing section [receiver]; the file has [recevier], [pg]: is one of them meant to be "
                + "[receiver]?", e.getMessage());
    }

    @Test
    void anUnknownSectionIsNamedWithItsLineAndTheExpectedOnes() throws ConfigException {
        IniFile ini = parse("# walship.conf\n[agnet]\nserver = pg\n");

        ConfigException e = assertThrows(ConfigException.class, () -> ini.allowOnlySections(Set.of("agent")));

        assertEquals(FILE + ":2: unknown section [agnet]; expected [agent]", e.getMessage());
    }

    @Test
    void expectedSectionsPass() throws ConfigException {
        parse("[b]\n[a]\n").allowOnlySections(Set.of("a", "b", "c"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("[a]\n[d]\n").allowOnlySections(Set.of("b", "a")));
        assertEquals(FILE + ":2: unknown section [d]; expected [a], [b]", e.getMessage());
    }

    @Test
    void emptyFileHasNoSections() throws ConfigException {
        assertTrue(parse("").sections().isEmpty());
        assertTrue(parse("# only a comment\n\n").sections().isEmpty());
    }

    @Test
    void sectionsListIsACopy() throws ConfigException {
        IniFile ini = parse("[a]\n[b]\n");
        ini.sections().clear();
        assertEquals(2, ini.sections().size());
    }

    @Test
    void loadReadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("walship.conf");
        Files.writeString(file, "[agent]\nserver = pg ; comment\n");

        IniFile ini = IniFile.load(file);

        assertEquals(file, ini.file());
        assertEquals(Optional.of("pg"), ini.requireSection("agent").optional("server"));
    }

    @Test
    void loadErrorsNameTheLoadedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("walship.conf");
        Files.writeString(file, "[agent]\nserver = pg\nserver = pg2\n");

        ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(file));
        assertMentions(e, file + ":3");
    }

    @Test
    void loadOfAMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(missing));
        assertMentions(e, missing.toString(), "no such configuration file");
    }

    @Test
    void loadOfADirectory(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(dir));
        assertMentions(e, dir.toString(), "cannot read");
    }
}
