package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.config.ConfigException;
import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.params.provider.ValueSource;

class ReceiverConfigTest {

    @TempDir
    Path dir;

    private Path file;
    private Path barmanHome;

    /** The certificate files only have to be readable here; TLS setup reads them elsewhere. */
    @BeforeEach
    void credentialsAndBarmanHome() throws IOException {
        file = dir.resolve("receiver.conf");
        barmanHome = Files.createDirectory(dir.resolve("barman"));
        for (String name : List.of("ca.crt", "receiver.crt", "receiver.key")) {
            Files.writeString(dir.resolve(name), "placeholder\n");
        }
    }

    private static final String RECEIVER = """
            [receiver]
            listen = 127.0.0.1:5433
            barman_home = barman
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
    void aMisspeltReceiverSectionIsNamed() throws IOException {
        loadFails(RECEIVER.replace("[receiver]", "[recevier]") + "\n[pg]\nclients = pg1\n",
                file + ": missing section [receiver]; the file has [recevier], [pg]: is one of them meant to be "
                        + "[receiver]?");
    }

    @Test
    void aValidFile() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + """
                compression = gzip
                lock_timeout = 5

                [pg]
                clients = agent1, agent2
                [pg2]
                clients = agent3
                compression = none
                """);

        assertEquals(file, config.file());
        assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", 5433), config.listen());
        assertEquals(barmanHome, config.barmanHome(), "relative paths are resolved against the config's directory");
        assertEquals(dir.resolve("ca.crt"), config.caFile());
        assertEquals(dir.resolve("receiver.crt"), config.certFile());
        assertEquals(dir.resolve("receiver.key"), config.keyFile());
        assertEquals(Duration.ofSeconds(5), config.lockTimeout());
        assertEquals(List.of("pg", "pg2"), List.copyOf(config.servers().keySet()));
        BarmanServer pg = config.servers().get("pg");
        assertEquals("pg", pg.name());
        assertEquals(Set.of("agent1", "agent2"), pg.clients());
        assertEquals(Compression.GZIP, pg.compression(), "the [receiver] compression is every server's default");
        assertTrue(pg.allows("agent1"));
        assertFalse(pg.allows("agent3"));
        BarmanServer pg2 = config.servers().get("pg2");
        assertEquals(Set.of("agent3"), pg2.clients());
        assertEquals(Compression.NONE, pg2.compression(), "a server's own compression overrides the default");
        assertFalse(pg2.allows("agent1"));
    }

    @Test
    void absolutePathsStayAsTheyAre() throws IOException, ConfigException {
        ReceiverConfig config = load("""
                [receiver]
                barman_home = %s
                ca_file = %s
                cert_file = %s
                key_file = %s
                [pg]
                clients = agent1
                """.formatted(barmanHome.toAbsolutePath(), dir.resolve("ca.crt").toAbsolutePath(),
                dir.resolve("receiver.crt").toAbsolutePath(), dir.resolve("receiver.key").toAbsolutePath()));

        assertEquals(barmanHome.toAbsolutePath(), config.barmanHome());
        assertEquals(dir.resolve("ca.crt").toAbsolutePath(), config.caFile());
    }

    @Test
    void defaults() throws IOException, ConfigException {
        ReceiverConfig config = load("""
                [receiver]
                barman_home = barman
                ca_file = ca.crt
                cert_file = receiver.crt
                key_file = receiver.key
                [pg]
                clients = agent1
                """);

        assertEquals(9433, config.listen().getPort(), "the default port");
        assertEquals("0.0.0.0", config.listen().getHostString());
        assertEquals(Compression.ZSTD, config.servers().get("pg").compression(), "zstd by default");
        assertEquals(Duration.ofSeconds(60), config.lockTimeout());
    }

    @Test
    void aListenAddressWithoutPortUsesTheDefaultPort() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER.replace("127.0.0.1:5433", "127.0.0.1") + "[pg]\nclients = a\n");

        assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", 9433), config.listen());
    }

    @Test
    void portZeroAsksForAFreePort() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER.replace("127.0.0.1:5433", "127.0.0.1:0") + "[pg]\nclients = a\n");

        assertEquals(0, config.listen().getPort());
    }

    @Test
    void perServerCompressionOverride() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + """
                [zstd]
                clients = a
                [gz]
                clients = a
                compression = gzip
                [bz]
                clients = a
                compression = BZIP2
                [plain]
                clients = a
                compression = None
                """);

        assertEquals(Compression.ZSTD, config.servers().get("zstd").compression());
        assertEquals(Compression.GZIP, config.servers().get("gz").compression());
        assertEquals(Compression.BZIP2, config.servers().get("bz").compression());
        assertEquals(Compression.NONE, config.servers().get("plain").compression());
    }

    @Test
    void clientsMaySeparateWithSpacesOrCommas() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "[pg]\nclients = a,b  c , d,,a\n");

        assertEquals(Set.of("a", "b", "c", "d"), config.servers().get("pg").clients());
    }

    // ---- errors ----

    @Test
    void anUnknownKeyInTheReceiverSection() throws IOException {
        loadFails(RECEIVER + "compresion = gzip\n[pg]\nclients = a\n", file.toString(), "compresion", "[receiver]");
    }

    @Test
    void anUnknownKeyInAServerSection() throws IOException {
        ConfigException e = loadFails(RECEIVER + "[pg]\nclients = a\nclient = b\n", file.toString(), "client",
                "[pg]");
        assertTrue(e.getMessage().contains(file + ":9:"), "names the line: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4", "zst", "gz", "yes", "zstd gzip"})
    void aBadCompressionValue(String value) throws IOException {
        loadFails(RECEIVER + "compression = " + value + "\n[pg]\nclients = a\n", file.toString(), "compression",
                value, "zstd|gzip|bzip2|none");
    }

    @Test
    void aBadServerCompressionValue() throws IOException {
        loadFails(RECEIVER + "[pg]\nclients = a\ncompression = xz\n", file.toString(), "[pg]", "xz",
                "zstd|gzip|bzip2|none");
    }

    @Test
    void missingClients() throws IOException {
        loadFails(RECEIVER + "[pg]\ncompression = gzip\n", file.toString(), "[pg]", "clients");
    }

    @Test
    void emptyClients() throws IOException {
        loadFails(RECEIVER + "[pg]\nclients =\n", file.toString(), "[pg]", "clients");
        loadFails(RECEIVER + "[pg]\nclients = , ,\n", file.toString(), "[pg]", "clients");
    }

    @Test
    void aServerSectionWithoutKeys() throws IOException {
        loadFails(RECEIVER + "[pg]\n", file.toString(), "[pg]", "clients");
    }

    @Test
    void barmanHomeThatIsNotADirectory() throws IOException {
        loadFails(RECEIVER.replace("barman_home = barman", "barman_home = no-such-dir") + "[pg]\nclients = a\n",
                file.toString(), "barman_home", dir.resolve("no-such-dir").toString(), "not a directory");
        Files.writeString(dir.resolve("a-file"), "");
        loadFails(RECEIVER.replace("barman_home = barman", "barman_home = a-file") + "[pg]\nclients = a\n",
                "barman_home", "not a directory");
    }

    @Test
    void noServerSection() throws IOException {
        loadFails(RECEIVER, file.toString(), "no server section");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "..", ".", ".hidden", "a/b", "-pg", "_pg", "pg x", "p\u00e9"})
    void aServerNameThatIsNotAUsableDirectoryName(String name) throws IOException {
        loadFails(RECEIVER + "[" + name + "]\nclients = a\n", file.toString(), "[" + name + "]",
                "not a usable server name");
    }

    @Test
    void aServerNameTooLongForADirectory() throws IOException {
        loadFails(RECEIVER + "[" + "p".repeat(65) + "]\nclients = a\n", "not a usable server name");
    }

    @Test
    void usableServerNames() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "[pg-main_1.eu]\nclients = a\n[" + "p".repeat(64) + "]\nclients = a\n");

        assertEquals(Set.of("pg-main_1.eu", "p".repeat(64)), config.servers().keySet());
    }

    @Test
    void missingReceiverSection() throws IOException {
        loadFails("[pg]\nclients = a\n", file.toString(), "[receiver]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ca_file", "cert_file", "key_file"})
    void aCredentialFileThatDoesNotExist(String key) throws IOException {
        String text = RECEIVER.lines().filter(l -> !l.startsWith(key)).reduce("", (a, l) -> a + l + "\n")
                + key + " = missing.pem\n[pg]\nclients = a\n";

        loadFails(text, file.toString(), key, dir.resolve("missing.pem").toString(), "no such readable file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ca_file", "cert_file", "key_file"})
    void aMissingCredentialKey(String key) throws IOException {
        String text = RECEIVER.lines().filter(l -> !l.startsWith(key)).reduce("", (a, l) -> a + l + "\n")
                + "[pg]\nclients = a\n";

        loadFails(text, file.toString(), key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "ten", "10s", "241", "9999999999"})
    void aBadLockTimeout(String value) throws IOException {
        loadFails(RECEIVER + "lock_timeout = " + value + "\n[pg]\nclients = a\n", file.toString(), "lock_timeout",
                value);
    }

    @Test
    void limitsHaveDefaultsAndCanBeSet() throws IOException, ConfigException {
        assertEquals(ReceiverLimits.DEFAULTS, load(RECEIVER + "[pg]\nclients = a\n").limits());

        ReceiverConfig config = load(RECEIVER + """
                max_connections = 100
                max_connections_per_client = 10
                max_uploads = 16
                max_uploads_per_client = 4
                upload_idle_timeout = 30
                [pg]
                clients = a
                """);

        assertEquals(new ReceiverLimits(100, 10, 16, 4, Duration.ofSeconds(30)), config.limits());
    }

    @Test
    void aGlobalLimitBelowThePerClientDefaultLowersIt() throws IOException, ConfigException {
        ReceiverConfig config = load(RECEIVER + "max_uploads = 2\nmax_connections = 5\n[pg]\nclients = a\n");

        assertEquals(2, config.limits().maxUploadsPerClient());
        assertEquals(5, config.limits().maxConnectionsPerClient());
    }

    @Test
    void aPerClientLimitAboveTheGlobalOneIsRefused() throws IOException {
        loadFails(RECEIVER + "max_uploads = 4\nmax_uploads_per_client = 8\n[pg]\nclients = a\n",
                "max_uploads_per_client", "at most max_uploads");
        loadFails(RECEIVER + "max_connections = 0\n[pg]\nclients = a\n", "max_connections");
    }

    @Test
    void aBadListenAddress() throws IOException {
        loadFails(RECEIVER.replace("127.0.0.1:5433", "127.0.0.1:99999") + "[pg]\nclients = a\n", file.toString(),
                "listen");
        loadFails(RECEIVER.replace("127.0.0.1:5433", "127.0.0.1:port") + "[pg]\nclients = a\n", "listen");
    }

    @Test
    void metricsAreServedOnlyWhereMetricsListenSays() throws IOException, ConfigException {
        assertEquals(Optional.empty(), load(RECEIVER + "[pg]\nclients = a\n").metricsListen());

        ReceiverConfig config = load(RECEIVER + "metrics_listen = 127.0.0.1:9187\n[pg]\nclients = a\n");

        assertEquals(Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 9187)), config.metricsListen());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:70000", ":9187", "127.0.0.1:port"})
    void aMetricsListenWithoutAUsablePortIsRefusedNamingTheKey(String value) throws IOException {
        loadFails(RECEIVER + "metrics_listen = " + value + "\n[pg]\nclients = a\n", file + ":7:",
                "metrics_listen = " + value, "host:port");
    }

    @Test
    void theStatusSocketIsInBarmanHomeUnlessStatusSocketSaysOtherwise() throws IOException, ConfigException {
        assertEquals(barmanHome.resolve(".walship-receiver.sock"), load(RECEIVER + "[pg]\nclients = a\n")
                .statusSocket());

        ReceiverConfig config = load(RECEIVER + "status_socket = run/receiver.sock\n[pg]\nclients = a\n");

        assertEquals(dir.resolve("run/receiver.sock"), config.statusSocket(), "relative to the file's directory");
    }

    @Test
    void aStatusSocketPathTooLongForAUnixSocketIsRefusedNamingTheKey() throws IOException {
        String deep = "/" + "d".repeat(100) + "/receiver.sock";
        loadFails(RECEIVER + "status_socket = " + deep + "\n[pg]\nclients = a\n", file + ":7:", "status_socket",
                "107 at most");
    }

    @Test
    void aMissingFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> ReceiverConfig.load(dir.resolve("none.conf")));
        assertTrue(e.getMessage().contains(dir.resolve("none.conf").toString()), e.getMessage());
    }
}
