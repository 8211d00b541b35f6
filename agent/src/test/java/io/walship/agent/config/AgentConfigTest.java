package io.walship.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import io.walship.protocol.Capabilities;
import io.walship.protocol.WireEncoding;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The [agent] file: what it accepts, what it defaults, and how its errors point at the mistake. */
class AgentConfigTest {

    @TempDir
    Path dir;
    private Path etc;

    /** Only readability is checked at load time, so the credential files can be placeholders. */
    @BeforeEach
    void credentials() throws Exception {
        etc = Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(etc.resolve("certs"));
        for (String name : new String[] {"ca.crt", "pg1.crt", "pg1.key"}) {
            Files.writeString(etc.resolve("certs").resolve(name), "placeholder\n");
        }
    }

    @Test
    void loadsAValidFile() throws Exception {
        Path file = write("""
                # the agent of pg1
                [agent]
                receiver = backup.example.com:9500   ; the backup host
                server = pg
                ca_file = %1$s/certs/ca.crt
                cert_file = %1$s/certs/pg1.crt
                key_file = %1$s/certs/pg1.key
                prefetch = 16
                spool_directory = %2$s/spool
                """.formatted(etc, dir));

        AgentConfig config = AgentConfig.load(file);

        assertEquals(file, config.file());
        assertEquals("backup.example.com", config.receivers().first().getHostString());
        assertEquals(9500, config.receivers().first().getPort());
        assertTrue(config.receivers().first().isUnresolved(), "the host is resolved when connecting, not when loading");
        assertEquals("backup.example.com:9500", config.receiverText());
        assertEquals("pg", config.server());
        assertEquals(etc.resolve("certs/ca.crt"), config.caFile());
        assertEquals(etc.resolve("certs/pg1.crt"), config.certFile());
        assertEquals(etc.resolve("certs/pg1.key"), config.keyFile());
        assertEquals(16, config.prefetch());
        assertEquals(dir.resolve("spool").resolve("pg"), config.spool().dir());
    }

    @Test
    void relativePathsAreResolvedAgainstTheConfigDirectory() throws Exception {
        Path file = write("""
                [agent]
                receiver = 10.0.0.5:9433
                server = pg
                ca_file = certs/ca.crt
                cert_file = ./certs/pg1.crt
                key_file = ../etc/certs/pg1.key
                spool_directory = spool
                """);

        AgentConfig config = AgentConfig.load(file);

        Path base = etc.toAbsolutePath().normalize();
        assertEquals(base.resolve("certs/ca.crt"), config.caFile());
        assertEquals(base.resolve("certs/pg1.crt"), config.certFile());
        assertEquals(base.resolve("certs/pg1.key"), config.keyFile());
        assertEquals(base.resolve("spool").resolve("pg"), config.spool().dir());
    }

    @Test
    void defaults() throws Exception {
        Path file = write(minimal("backup.example.com"));

        AgentConfig config = AgentConfig.load(file);

        assertEquals(9433, config.receivers().first().getPort(), "the receiver's default port");
        assertEquals("backup.example.com", config.receivers().first().getHostString());
        assertEquals(8, config.prefetch());
        assertEquals(AgentConfig.DEFAULT_PREFETCH, config.prefetch());
        assertEquals(Path.of("/var/spool/walship/pg"), config.spool().dir());
        assertTrue(config.startAgent(), "walship push starts the agent unless start_agent = no");
        assertEquals(AgentConfig.DEFAULT_AGENT_WAIT, config.agentWait());
        assertTrue(config.pushStartsAgent());
    }

    @Test
    void pushStartsNoAgentWhenStartAgentIsNoOrItWouldNotWaitForIt() throws Exception {
        AgentConfig no = AgentConfig.load(write(minimal("backup.example.com") + "start_agent = no\n"));
        AgentConfig noWait = AgentConfig.load(write(minimal("backup.example.com") + "agent_wait = 0\n"));

        assertFalse(no.startAgent());
        assertFalse(no.pushStartsAgent());
        assertTrue(noWait.startAgent());
        assertFalse(noWait.pushStartsAgent(), "a push that never waits could not use the agent it started");
    }

    @Test
    void ipv6ReceiverInBrackets() throws Exception {
        AgentConfig config = AgentConfig.load(write(minimal("[::1]:9555")));

        assertEquals("::1", config.receivers().first().getHostString());
        assertEquals(9555, config.receivers().first().getPort());
    }

    @Test
    void severalReceiversInTheirOrderOfPreference() throws Exception {
        AgentConfig config = AgentConfig.load(write(minimal("backup-b.example.com:9500, backup-a.example.com, [::1]:9555")));

        assertEquals(List.of(InetSocketAddress.createUnresolved("backup-b.example.com", 9500),
                InetSocketAddress.createUnresolved("backup-a.example.com", 9433),
                InetSocketAddress.createUnresolved("::1", 9555)), config.receivers().configured());
        assertEquals("backup-b.example.com:9500, backup-a.example.com:9433, [::1]:9555", config.receiverText());
    }

    @ParameterizedTest
    @ValueSource(strings = {", backup-a", "backup-a,, backup-b", "backup-a backup-b", "backup-a, backup-a:9433",
        "backup-a, backup-b:port"})
    void aBadListOfReceiversNamesTheKeyAndWhatToWrite(String value) throws Exception {
        Path file = write(minimal(value));

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertEquals(file + ":2: [agent] receiver = " + value + " is not valid; expected host[:port] or several, "
                + "comma-separated in order of preference (host1:port, host2:port), each once, with port numbers "
                + "from 0 to 65535", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "8", "256"})
    void prefetchWithinRangeIsAccepted(String value) throws Exception {
        AgentConfig config = AgentConfig.load(write(minimal("backup.example.com") + "prefetch = " + value + "\n"));

        assertEquals(Integer.parseInt(value), config.prefetch());
    }

    @ParameterizedTest
    @ValueSource(strings = {"257", "999", "-1", "abc", "1000", "8.5", "0x10"})
    void prefetchOutOfRangeIsRefusedNamingFileAndKey(String value) throws Exception {
        Path file = write(minimal("backup.example.com") + "prefetch = " + value + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file + ":7:"), e.getMessage());
        assertTrue(e.getMessage().contains("prefetch = " + value), e.getMessage());
        assertTrue(e.getMessage().contains("256"), "the message says what is allowed: " + e.getMessage());
    }

    @Test
    void theAgentServesMetricsOnlyWhereMetricsListenSays() throws Exception {
        assertEquals(Optional.empty(), AgentConfig.load(write(minimal("backup.example.com"))).metricsListen());

        AgentConfig config = AgentConfig.load(write(minimal("backup.example.com") + "metrics_listen = [::1]:9188\n"));

        assertEquals(Optional.of(InetSocketAddress.createUnresolved("::1", 9188)), config.metricsListen());
    }

    @Test
    void aMetricsListenWithoutAPortIsRefusedNamingFileAndKey() throws Exception {
        Path file = write(minimal("backup.example.com") + "metrics_listen = localhost\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file + ":7:"), e.getMessage());
        assertTrue(e.getMessage().contains("metrics_listen = localhost"), e.getMessage());
        assertTrue(e.getMessage().contains("host:port"), e.getMessage());
    }

    @Test
    void unknownKeyIsRefusedNamingFileAndKey() throws Exception {
        Path file = write(minimal("backup.example.com") + "prefech = 4\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file + ":7:"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'prefech'"), e.getMessage());
        assertTrue(e.getMessage().contains("prefetch"), "the message lists the valid keys: " + e.getMessage());
    }

    @Test
    void missingServerIsRefused() throws Exception {
        Path file = write("""
                [agent]
                receiver = backup.example.com
                ca_file = certs/ca.crt
                cert_file = certs/pg1.crt
                key_file = certs/pg1.key
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing 'server'"), e.getMessage());
    }

    @Test
    void missingAgentSectionIsRefused() throws Exception {
        Path file = write("""
                [receiver]
                listen = 0.0.0.0:9433
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("[agent]"), e.getMessage());
    }

    @Test
    void aMisspeltAgentSectionIsNamedWithTheExpectedOne() throws Exception {
        Path file = write(minimal("backup.example.com").replace("[agent]", "[agnet]"));

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": unknown section [agnet]; expected [agent]"), e.getMessage());
    }

    @Test
    void aSectionBesideAgentIsRefused() throws Exception {
        Path file = write(minimal("backup.example.com") + "\n[receiver]\nlisten = 0.0.0.0:9433\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().endsWith(": unknown section [receiver]; expected [agent]"), e.getMessage());
    }

    @Test
    void unreadableCredentialFileIsRefusedNamingTheKey() throws Exception {
        Path file = write(minimal("backup.example.com").replace("certs/pg1.key", "certs/pg2.key"));

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file + ":6:"), e.getMessage());
        assertTrue(e.getMessage().contains("key_file"), e.getMessage());
        assertTrue(e.getMessage().contains(etc.resolve("certs/pg2.key").toString()), e.getMessage());
    }

    @Test
    void missingFileIsRefusedNamingIt() {
        Path file = dir.resolve("absent.conf");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void anExplicitPathWins() {
        Path explicit = dir.resolve("elsewhere.conf");

        assertEquals(explicit, AgentConfig.locate(explicit));
    }

    @Test
    void withoutAnExplicitPathTheSystemFileIsTheFallback() {
        assertEquals(Path.of("/etc/walship/walship.conf"), AgentConfig.DEFAULT_FILE);
        // The environment of a test run cannot be changed from Java; honour it if someone has it set.
        String environment = System.getenv(AgentConfig.ENVIRONMENT);
        Path expected = environment == null || environment.isBlank() ? AgentConfig.DEFAULT_FILE : Path.of(environment);

        assertEquals(expected, AgentConfig.locate(null));
    }

    /** Every key but prefetch and spool_directory; line 7 is the first one appended. */
    @Test
    void wireCompressionIsSharedUnlessSetToZstdOrNone() throws Exception {
        assertEquals(WireCompression.SHARED, AgentConfig.load(write(minimal("b"))).wireCompression());
        assertEquals(WireCompression.ZSTD, AgentConfig.load(write(minimal("b") + "wire_compression = zstd\n"))
                .wireCompression());
        assertEquals(WireCompression.NONE, AgentConfig.load(write(minimal("b") + "wire_compression = NONE\n"))
                .wireCompression());
        assertEquals(WireCompression.SHARED, AgentConfig.load(write(minimal("b") + "wire_compression = shared\n"))
                .wireCompression());
        Path file = write(minimal("b") + "wire_compression = lz4\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertEquals(file + ":7: [agent] wire_compression = lz4 is not valid; expected zstd, none or shared", e.getMessage());
    }

    @Test
    void fetchCompressionIsZstdUnlessSetToNone() throws Exception {
        assertEquals(FetchCompression.ZSTD, AgentConfig.load(write(minimal("b"))).fetchCompression());
        assertEquals(FetchCompression.NONE, AgentConfig.load(write(minimal("b") + "fetch_compression = none\n"))
                .fetchCompression());
        assertEquals(FetchCompression.ZSTD, AgentConfig.load(write(minimal("b") + "fetch_compression = ZSTD\n"))
                .fetchCompression());
        Path file = write(minimal("b") + "fetch_compression = gzip\n");

        ConfigException e = assertThrows(ConfigException.class, () -> AgentConfig.load(file));

        assertEquals(file + ":7: [agent] fetch_compression = gzip is not valid; expected zstd or none", e.getMessage());
    }

    @Test
    void zstdDownloadsAreAskedOnlyOfAReceiverThatOffersThem() {
        assertEquals(WireEncoding.ZSTD, FetchCompression.ZSTD.accepted(Capabilities.CURRENT));
        assertEquals(WireEncoding.PLAIN, FetchCompression.ZSTD.accepted(Capabilities.CHECK | Capabilities.ZSTD_UPLOADS));
        assertEquals(WireEncoding.PLAIN, FetchCompression.NONE.accepted(Capabilities.CURRENT));
    }

    private static String minimal(String receiver) {
        return """
                [agent]
                receiver = %s
                server = pg
                ca_file = certs/ca.crt
                cert_file = certs/pg1.crt
                key_file = certs/pg1.key
                """.formatted(receiver);
    }

    private Path write(String content) throws Exception {
        Path file = etc.resolve("walship.conf");
        Files.writeString(file, content);
        return file;
    }
}
