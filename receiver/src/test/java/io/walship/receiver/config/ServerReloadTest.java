package io.walship.receiver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.compress.Compression;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a reload of receiver.conf changes in a running receiver, and what it leaves for a restart. */
class ServerReloadTest {

    private static final Path FILE = Path.of("/etc/walship/receiver.conf");
    private static final Path HOME = Path.of("/var/lib/barman");

    private static BarmanServer server(String name, Set<String> clients, Compression compression) {
        return new BarmanServer(name, clients, compression, FILE + ":9: [" + name + "] compression",
                ServerDirectories.defaults(HOME, name), XlogDbGeneration.WALS_XLOG_DB);
    }

    private static ReceiverConfig withBucketServer(ReceiverConfig config, Set<String> clients) {
        CloudServer server = new CloudServer("pg-cloud", clients, Optional.empty(), "wal-archive", "", "eu-west-1",
                false, Optional.empty(), CloudCompression.GZIP, Path.of("/tmp"));
        return new ReceiverConfig(config.file(), config.listen(), config.barmanHome(), config.caFile(),
                config.certFile(), config.keyFile(), config.lockTimeout(), config.limits(), config.servers(),
                config.barmanConfig(), config.barmanVersion(), config.metricsListen(), config.statusSocket(),
                config.withoutBarman(), Map.of(server.name(), server));
    }

    @Test
    void aBucketServersChangeWaitsForARestart() {
        ReceiverConfig started = withBucketServer(config(server("pg", Set.of("a"), Compression.GZIP)), Set.of("c1"));
        ReceiverConfig loaded = withBucketServer(config(server("pg", Set.of("a"), Compression.GZIP)), Set.of("c2"));

        assertEquals(List.of(), ServerReload.of(started, started.servers(), started).needRestart());
        assertEquals(List.of("the servers stored in a bucket (storage = s3) changed, which takes a restart; until "
                + "then they stay as they run"), ServerReload.of(started, started.servers(), loaded).needRestart());
    }

    private static ReceiverConfig config(BarmanServer... servers) {
        return config(ReceiverLimits.DEFAULTS, Duration.ofSeconds(60), servers);
    }

    private static ReceiverConfig config(ReceiverLimits limits, Duration lockTimeout, BarmanServer... servers) {
        Map<String, BarmanServer> byName = new LinkedHashMap<>();
        for (BarmanServer server : servers) {
            byName.put(server.name(), server);
        }
        return new ReceiverConfig(FILE, InetSocketAddress.createUnresolved("0.0.0.0", 9433), HOME,
                Path.of("/etc/walship/ca.crt"), Path.of("/etc/walship/receiver.crt"),
                Path.of("/etc/walship/receiver.key"), lockTimeout, limits, byName, Optional.empty(), Optional.empty(),
                Optional.empty(), HOME.resolve(".walship-receiver.sock"), false, Map.of());
    }

    @Test
    void clientsAndCompressionOfARunningServerAreApplied() {
        BarmanServer pg = server("pg", Set.of("pg1"), Compression.ZSTD);
        ReceiverConfig started = config(pg, server("other", Set.of("o1"), Compression.NONE));
        BarmanServer reloaded = server("pg", Set.of("pg2", "pg1"), Compression.GZIP);

        ServerReload reload = ServerReload.of(started, started.servers(),
                config(reloaded, server("other", Set.of("o1"), Compression.NONE)));

        assertEquals(List.of("pg", "other"), List.copyOf(reload.servers().keySet()));
        assertSame(reloaded, reload.servers().get("pg"));
        assertEquals(List.of("server 'pg': clients pg1, pg2 (were pg1); compression gzip from " + FILE
                + ":9: [pg] compression (was zstd)"), reload.applied());
        assertEquals(List.of(), reload.needRestart());
    }

    @Test
    void theSameFileChangesNothing() {
        ReceiverConfig started = config(server("pg", Set.of("pg1"), Compression.ZSTD));

        ServerReload reload = ServerReload.of(started, started.servers(),
                config(server("pg", Set.of("pg1"), Compression.ZSTD)));

        assertEquals(started.servers(), reload.servers());
        assertEquals(List.of(), reload.applied());
        assertEquals(List.of(), reload.needRestart());
    }

    @Test
    void anAddedServerWaitsForARestartAndARemovedOneIsStillServed() {
        BarmanServer pg = server("pg", Set.of("pg1"), Compression.ZSTD);
        ReceiverConfig started = config(pg);

        ServerReload reload = ServerReload.of(started, started.servers(),
                config(server("pg2", Set.of("pg2"), Compression.ZSTD)));

        assertEquals(Map.of("pg", pg), reload.servers());
        assertEquals(List.of("server 'pg' is no longer configured; it is served until a restart",
                "server 'pg2' is new; it is served after a restart"), reload.needRestart());
    }

    @Test
    void aServerWhoseDirectoriesChangedStaysAsItRuns() {
        BarmanServer pg = server("pg", Set.of("pg1"), Compression.ZSTD);
        ReceiverConfig started = config(pg);
        BarmanServer moved = new BarmanServer("pg", Set.of("pg1", "pg2"), Compression.GZIP, "x",
                ServerDirectories.defaults(Path.of("/srv/barman"), "pg"), XlogDbGeneration.WALS_XLOG_DB);

        ServerReload reload = ServerReload.of(started, started.servers(), config(moved));

        assertSame(pg, reload.servers().get("pg"));
        assertEquals(List.of(), reload.applied());
        assertEquals(List.of("server 'pg': its directories or its xlog.db changed, which takes a restart; until "
                + "then it stays as it runs"), reload.needRestart());
    }

    @Test
    void receiverSettingsWaitForARestartWhileTheServersAreReloaded() {
        ReceiverConfig started = config(server("pg", Set.of("pg1"), Compression.ZSTD));
        ReceiverLimits limits = new ReceiverLimits(512, 64, 16, 8, Duration.ofSeconds(60));

        ServerReload reload = ServerReload.of(started, started.servers(),
                config(limits, Duration.ofSeconds(30), server("pg", Set.of("pg2"), Compression.ZSTD)));

        assertEquals(Set.of("pg2"), reload.servers().get("pg").clients());
        assertEquals(List.of("[receiver] lock_timeout, max_uploads changed, which takes a restart"),
                reload.needRestart());
    }

    @Test
    void aSecondReloadComparesWithTheFirst() {
        ReceiverConfig started = config(server("pg", Set.of("pg1"), Compression.ZSTD));
        ServerReload first = ServerReload.of(started, started.servers(),
                config(server("pg", Set.of("pg2"), Compression.ZSTD)));

        ServerReload second = ServerReload.of(started, first.servers(),
                config(server("pg", Set.of("pg2", "pg3"), Compression.ZSTD)));

        assertEquals(List.of("server 'pg': clients pg2, pg3 (were pg2)"), second.applied());
    }
}
