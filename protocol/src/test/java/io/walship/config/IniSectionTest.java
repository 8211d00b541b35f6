package io.walship.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IniSectionTest {

    private static final Path FILE = Path.of("conf", "walship.conf");
    private static final int DEFAULT_PORT = 5433;

    private static IniSection section(Path file, String... lines) throws ConfigException {
        List<String> all = new ArrayList<>();
        all.add("# walship");
        all.add("[receiver]");
        all.addAll(List.of(lines));
        return IniFile.parse(file, all).requireSection("receiver");
    }

    private static IniSection section(String... lines) throws ConfigException {
        return section(FILE, lines);
    }

    private static void assertMentions(ConfigException e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    // ---- allowOnly ----

    @Test
    void allowOnlyAcceptsKnownKeys() throws ConfigException {
        section("listen = 127.0.0.1:5433", "compression = zstd")
                .allowOnly(Set.of("listen", "compression", "barman_home"));
    }

    @Test
    void allowOnlyNamesTheUnknownKeySectionLineAndAllowedKeys() throws ConfigException {
        IniSection section = section("listen = 127.0.0.1:5433", "barman_home = /b", "compresion = zstd");

        ConfigException e = assertThrows(ConfigException.class,
                () -> section.allowOnly(Set.of("listen", "compression", "barman_home")));

        assertMentions(e, FILE + ":5", "'compresion'", "[receiver]", "barman_home, compression, listen");
    }

    // ---- require / optional / invalid ----

    @Test
    void requireReturnsTheValue() throws ConfigException {
        assertEquals("/var/lib/barman", section("barman_home = /var/lib/barman").require("barman_home", "a directory"));
    }

    @Test
    void requireMissingNamesSectionKeyAndExpectation() throws ConfigException {
        IniSection section = section("listen = 127.0.0.1:5433");

        ConfigException e = assertThrows(ConfigException.class,
                () -> section.require("barman_home", "the Barman home directory"));

        assertMentions(e, FILE + ":2", "[receiver]", "'barman_home'", "the Barman home directory");
    }

    @Test
    void requireEmptyValueCountsAsMissing() throws ConfigException {
        IniSection section = section("barman_home =");
        ConfigException e = assertThrows(ConfigException.class, () -> section.require("barman_home", "a directory"));
        assertMentions(e, "barman_home");
    }

    @Test
    void optionalOfAnAbsentKeyIsEmpty() throws ConfigException {
        assertEquals(Optional.empty(), section().optional("listen"));
    }

    @Test
    void invalidNamesLineKeyValueAndExpectation() throws ConfigException {
        ConfigException e = section("listen = 1", "compression = lz4").invalid("compression", "zstd, gzip, bzip2 or none");
        assertMentions(e, FILE + ":4", "[receiver]", "compression = lz4", "zstd, gzip, bzip2 or none");
    }

    @Test
    void whereFallsBackToTheSectionLine() throws ConfigException {
        IniSection section = section("listen = 1");
        assertEquals(FILE + ":3", section.where("listen"));
        assertEquals(FILE + ":2", section.where("absent"));
    }

    // ---- hostPort ----

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:5433,      127.0.0.1,       5433",
        "localhost:1,         localhost,       1",
        "db.example.com:65535, db.example.com, 65535",
        "127.0.0.1:0,         127.0.0.1,       0",
        "'[::1]:5433',        ::1,             5433",
        "'[2001:db8::7]:80',  2001:db8::7,     80",
        "'[::1]',             ::1,             5433",
        "localhost,           localhost,       5433",
        "10.0.0.1,            10.0.0.1,        5433",
    })
    void hostPort(String value, String host, int port) throws ConfigException {
        InetSocketAddress address = section("listen = " + value).hostPort("listen", DEFAULT_PORT);
        assertEquals(host, address.getHostString());
        assertEquals(port, address.getPort());
        assertTrue(address.isUnresolved(), "config parsing must not do DNS lookups");
    }

    @ParameterizedTest
    @ValueSource(strings = {"host:", "host:abc", "host:65536", "host:-1", "host:99999999999", "[::1]:x", "[::1]:"})
    void hostPortWithABadPort(String value) throws ConfigException {
        IniSection section = section("listen = " + value);

        ConfigException e = assertThrows(ConfigException.class, () -> section.hostPort("listen", DEFAULT_PORT));

        assertMentions(e, FILE + ":3", "listen", value, "host:port");
    }

    @ParameterizedTest
    @ValueSource(strings = {":5433", "[]:5433", "[]"})
    void hostPortWithoutAHost(String value) throws ConfigException {
        IniSection section = section("listen = " + value);

        ConfigException e = assertThrows(ConfigException.class, () -> section.hostPort("listen", DEFAULT_PORT));

        assertMentions(e, FILE + ":3", "listen");
    }

    @Test
    void hostPortMissing() throws ConfigException {
        ConfigException e = assertThrows(ConfigException.class, () -> section().hostPort("listen", DEFAULT_PORT));
        assertMentions(e, "'listen'", "host:port");
    }

    /** Without brackets an IPv6 address has no port; its last group must not be read as one. */
    @Test
    void bareIpv6AddressIsNotSplitAtItsLastColon() throws ConfigException {
        IniSection section = section("listen = ::1");
        try {
            InetSocketAddress address = section.hostPort("listen", DEFAULT_PORT);
            assertEquals("::1", address.getHostString());
            assertEquals(DEFAULT_PORT, address.getPort());
        } catch (ConfigException e) {
            assertMentions(e, "listen");
        }
    }

    // ---- hostPorts ----

    @Test
    void hostPortsKeepsTheOrderWrittenEachWithItsOwnOrTheDefaultPort() throws ConfigException {
        List<InetSocketAddress> addresses = section("receiver = b.example.com:9500, a.example.com,[::1]:7, 10.0.0.1")
                .hostPorts("receiver", DEFAULT_PORT);

        assertEquals(List.of("b.example.com:9500", "a.example.com:5433", "::1:7", "10.0.0.1:5433"),
                addresses.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        assertTrue(addresses.stream().allMatch(InetSocketAddress::isUnresolved), "config parsing must not do DNS lookups");
    }

    @Test
    void hostPortsOfOneAddressIsThatAddress() throws ConfigException {
        assertEquals(List.of(InetSocketAddress.createUnresolved("backup", 9500)),
                section("receiver = backup:9500").hostPorts("receiver", DEFAULT_PORT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:1,", ",a:1", "a:1,,b:2", "a:1, b:x", "a:1 b:2", "a:1, a:1", "a, A:5433", "a:1, :2",
        "a:1, b:65536"})
    void hostPortsRefusesEmptyRepeatedOrBadEntries(String value) throws ConfigException {
        IniSection section = section("receiver = " + value);

        ConfigException e = assertThrows(ConfigException.class, () -> section.hostPorts("receiver", DEFAULT_PORT));

        assertMentions(e, FILE + ":3", "receiver = " + value, "host[:port]", "comma-separated");
    }

    @Test
    void hostPortsMissing() throws ConfigException {
        ConfigException e = assertThrows(ConfigException.class, () -> section().hostPorts("receiver", DEFAULT_PORT));
        assertMentions(e, "'receiver'", "host[:port]");
    }

    // ---- list ----

    @ParameterizedTest
    @ValueSource(strings = {"agent1, agent2", "agent1,agent2", "agent1 agent2", "agent1\tagent2", " , agent1,, agent2 ,",
        "agent1 ,  agent2"})
    void listSplitsOnCommasAndWhitespace(String value) throws ConfigException {
        assertEquals(List.of("agent1", "agent2"), section("clients = " + value).list("clients"));
    }

    @Test
    void listOfOneEntry() throws ConfigException {
        assertEquals(List.of("pg-agent"), section("clients = pg-agent").list("clients"));
    }

    @Test
    void listOfAnAbsentOrEmptyKeyIsEmpty() throws ConfigException {
        assertEquals(List.of(), section().list("clients"));
        assertEquals(List.of(), section("clients =").list("clients"));
        assertEquals(List.of(), section("clients = ,").list("clients"));
    }

    // ---- paths ----

    @Test
    void readableFileIsResolvedAgainstTheConfigDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("etc/tls"));
        Files.writeString(dir.resolve("etc/tls/ca.crt"), "ca");
        Path config = dir.resolve("etc/walship.conf");
        Files.writeString(config, "[agent]\nca_file = tls/ca.crt\ncert_file = ./tls/../tls/ca.crt\n");
        IniSection agent = IniFile.load(config).requireSection("agent");

        assertEquals(dir.resolve("etc/tls/ca.crt").toAbsolutePath(), agent.readableFile("ca_file"));
        assertEquals(dir.resolve("etc/tls/ca.crt").toAbsolutePath(), agent.readableFile("cert_file"));
    }

    @Test
    void readableFileKeepsAbsolutePaths(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "ca").toAbsolutePath();
        IniSection section = section(FILE, "ca_file = " + ca);
        assertEquals(ca, section.readableFile("ca_file"));
    }

    @Test
    void readableFileThatDoesNotExist(@TempDir Path dir) throws ConfigException {
        IniSection section = section(dir.resolve("walship.conf"), "ca_file = missing.crt");

        ConfigException e = assertThrows(ConfigException.class, () -> section.readableFile("ca_file"));

        assertMentions(e, dir.resolve("walship.conf") + ":3", "ca_file", dir.resolve("missing.crt").toString());
    }

    @Test
    void readableFileThatIsADirectory(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("certs"));
        IniSection section = section(dir.resolve("walship.conf"), "ca_file = certs");

        ConfigException e = assertThrows(ConfigException.class, () -> section.readableFile("ca_file"));
        assertMentions(e, "ca_file", dir.resolve("certs").toString());
    }

    @Test
    void readableFileThatIsNotSet() throws ConfigException {
        ConfigException e = assertThrows(ConfigException.class, () -> section().readableFile("ca_file"));
        assertMentions(e, "'ca_file'");
    }

    @Test
    void pathResolution() throws ConfigException {
        IniSection section = section(Path.of("/etc/walship/walship.conf"));
        assertEquals(Path.of("/etc/walship/ca.crt"), section.path("ca.crt"));
        assertEquals(Path.of("/etc/ssl/ca.crt"), section.path("../ssl/ca.crt"));
        assertEquals(Path.of("/srv/ca.crt"), section.path("/srv/ca.crt"));
    }

    @Test
    void pathOfAConfigWithoutDirectoryIsRelativeToTheWorkingDirectory() throws ConfigException {
        IniSection section = section(Path.of("walship.conf"));
        assertEquals(Path.of("ca.crt").toAbsolutePath(), section.path("ca.crt"));
    }
}
