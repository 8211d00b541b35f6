package io.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.Checkout;
import io.walship.config.ConfigException;
import io.walship.config.IniFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's reader of walship's configuration (bin/lib/ini.sh) and Java's ({@link IniFile}) over one table of
 * files, the cases of IniFileTest among them: each must read the same value of a key, find it absent (an empty
 * value is absent to both), or refuse the whole file. Where they disagreed, the launcher would answer for a
 * different spool than the one Java writes.
 */
class IniReadersAgreeTest {

    private static final String ABSENT = "absent";
    private static final String REFUSED = "refused";

    @TempDir
    static Path dir;

    /** A file, the key looked up in one section, and what both readers must make of it. */
    record Case(String what, String text, String section, String key, String expected) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Case value(String what, String text, String section, String key, String value) {
        return new Case(what, text, section, key, "value " + value);
    }

    private static Case absent(String what, String text, String section, String key) {
        return new Case(what, text, section, key, ABSENT);
    }

    private static Case refused(String what, String text) {
        return new Case(what, text, "agent", "server", REFUSED);
    }

    static Stream<Case> cases() {
        return Stream.of(
                value("key = value", "[agent]\nserver = pg\n", "agent", "server", "pg"),
                value("colon separator", "[agent]\nreceiver: 127.0.0.1:5433\n", "agent", "receiver", "127.0.0.1:5433"),
                value("colon without blanks", "[agent]\nserver:pg\n", "agent", "server", "pg"),
                value("no blanks around =", "[agent]\nlisten=[::1]:5433\n", "agent", "listen", "[::1]:5433"),
                value("= inside the value", "[agent]\nconninfo = host=pg port=5432\n", "agent", "conninfo",
                        "host=pg port=5432"),
                value("key case", "[PG]\nClients = agent1\nCA_FILE = ca.crt\n", "PG", "ca_file", "ca.crt"),
                absent("section names keep their case", "[PG]\nclients = agent1\n", "pg", "clients"),
                value("values keep their case", "[a]\nca_file = /Etc/Walship/CA.crt", "a", "ca_file",
                        "/Etc/Walship/CA.crt"),
                value("inner blanks of a value", "[agent]\nserver = my  pg\n", "agent", "server", "my  pg"),
                value("blanks around key, value and section name", "  [ pg ]   \n    clients   =   agent1   \n",
                        "pg", "clients", "agent1"),
                value("leading blanks before [section]", "   [agent]\nserver = pg\n", "agent", "server", "pg"),
                value("a tab before a key", "[agent]\n\tServer :  pg\t; the server\n", "agent", "server", "pg"),
                value("inline # comment", "[s]\na = 1 # inline hash\n", "s", "a", "1"),
                value("inline ; comment", "[s]\nb = 2 ; inline semicolon\n", "s", "b", "2"),
                value("comment after a tab", "[s]\nc = 3\t# after a tab\n", "s", "c", "3"),
                value("# without a blank before it", "[s]\nd = x#y\n", "s", "d", "x#y"),
                value("; without a blank before it", "[s]\ne = x;y\n", "s", "e", "x;y"),
                value("the first comment wins", "[s]\nf = /path/with #hash; and ;semicolon\n", "s", "f",
                        "/path/with"),
                value("comment after the section header", "[agent]   ; agent settings\nserver = pg\n", "agent",
                        "server", "pg"),
                value("documented agent example", """
                        [agent]
                        receiver = 127.0.0.1:5433
                        server = pg                 ; the Barman server name
                        ca_file = /etc/walship/ca.crt
                        """, "agent", "server", "pg"),
                value("documented receiver example", """
                        [receiver]
                        compression = zstd          ; zstd|gzip|bzip2|none, default zstd
                        [pg]                        ; one section per Barman server
                        clients = agent1, agent2    ; certificate CNs allowed to push/fetch for this server
                        """, "pg", "clients", "agent1, agent2"),
                absent("full-line comments", "# server = x\n[agent]\n; server = x\n   # server = x\n\t; server = x\n",
                        "agent", "server"),
                absent("an empty value", "[s]\nempty =\n", "s", "empty"),
                absent("a value of blanks", "[s]\nblank =   \n", "s", "blank"),
                absent("a value that is only a comment", "[receiver]\ncompression =     ; default zstd\n",
                        "receiver", "compression"),
                absent("a value that is only a # comment", "[receiver]\nlisten = # later\n", "receiver", "listen"),
                absent("the key in another section only", "[other]\nserver = pg\n[agent]\nreceiver = r:1\n", "agent",
                        "server"),
                value("the same key in two sections", "[receiver]\ncompression = zstd\n[pg]\ncompression = gzip\n",
                        "pg", "compression", "gzip"),
                value("later sections", "[agent]\nserver = pg\n\n[later]\nserver = wrong\n", "agent", "server", "pg"),
                absent("no such section", "[walship]\nserver = pg\n", "agent", "server"),
                absent("an empty file", "", "agent", "server"),
                value("windows line endings", "[agent]\r\nserver = pg\r\n", "agent", "server", "pg"),
                value("no newline at the end", "[agent]\nserver = pg", "agent", "server", "pg"),
                value("blank lines", "\n\n[agent]\n\n   \nserver = pg\n\n", "agent", "server", "pg"),
                value("a section named by blanks only", "[ ]\nkey = 1\n[agent]\nserver = pg\n", "agent", "server",
                        "pg"),
                refused("a section twice", "[pg]\nclients = a\n\n[receiver]\n[pg]\n"),
                refused("a key twice", "[agent]\nserver = pg\n# comment\nserver = pg2\n"),
                refused("a key twice in another case", "[agent]\nServer = pg\nserver = pg\n"),
                refused("a key twice in another section", "[agent]\nserver = pg\n[other]\na = 1\na = 2\n"),
                refused("a key outside any section", "# leading comment\nserver = pg\n[agent]\n"),
                refused("just some words", "[agent]\nserver = pg\njust some words\n"),
                refused("an unterminated section", "[agent]\nserver = pg\n[unterminated\n"),
                refused("a value without a key", "[agent]\nserver = pg\n= value\n"),
                refused("a key without a separator", "[agent]\nserver = pg\nkey value\n"),
                refused("a key with a blank", "[agent]\nserver = pg\nkey with space = x\n"),
                refused("a lone ]", "[agent]\nserver = pg\n]\n"),
                refused("a ] inside a section name", "[agent]\nserver = pg\n[a]b]\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothReadersReadTheSame(Case c) throws Exception {
        Path file = Files.writeString(dir.resolve(c.what().replaceAll("[^A-Za-z0-9]+", "-") + ".conf"), c.text());

        assertEquals(c.expected(), java(file, c.section(), c.key()), "Java's IniFile on:\n" + c.text());
        assertEquals(c.expected(), bash(file, c.section(), c.key()), "bin/lib/ini.sh on:\n" + c.text());
    }

    @Test
    void aMissingFileIsRefusedByBoth() throws Exception {
        Path missing = dir.resolve("missing.conf");

        assertEquals(REFUSED, java(missing, "agent", "server"));
        assertEquals(REFUSED, bash(missing, "agent", "server"));
    }

    private static String java(Path file, String section, String key) {
        try {
            return IniFile.load(file).section(section).flatMap(s -> s.optional(key)).map(v -> "value " + v)
                    .orElse(ABSENT);
        } catch (ConfigException e) {
            return REFUSED;
        }
    }

    /**
     * ini_read FILE SECTION, then the key as the launcher's callers take it: empty is absent. With the launcher's
     * shell options, under which an error in the reader would end the launcher instead of falling through to Java.
     */
    private static String bash(Path file, String section, String key) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("bash", "-c", """
                set -euo pipefail
                . "$0"
                ini_read "$1" "$2" || { printf %s refused; exit; }
                value=${ini_values[$3]:-}
                if [ -n "$value" ]; then printf 'value %s' "$value"; else printf %s absent; fi
                """, Checkout.root().resolve("bin/lib/ini.sh").toString(), file.toString(), section, key))
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output;
    }
}
