package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.config.ConfigException;
import io.walship.receiver.config.BarmanConfig;
import io.walship.receiver.config.BarmanServerConfig;
import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.AssertionFailedError;

/**
 * walship's archive as the real Barman sees it (Debian's barman package; 3.4 in CI). A PostgreSQL 15 cluster
 * archives every WAL file through {@code walship push} to two Barman servers, one storing gzip and one bzip2,
 * into a receiver that takes its servers from barman.conf ({@code barman_config}). Then Barman's own commands
 * read, check, reindex, back up, recover from and expire what walship stored. Barman runs as the user the tests
 * run as ({@code barman_user}), which also runs the receiver; PostgreSQL runs as postgres when that is root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BarmanInteropIT {

    private static final String SERVER = "pg";
    private static final String BZIP2_SERVER = "pg-bz";
    private static final Map<String, StoredCodec> CODEC = Map.of(SERVER, StoredCodec.GZIP,
            BZIP2_SERVER, StoredCodec.BZIP2);
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    /** At most; the test lets Barman go on as soon as it has seen the receiver wait. */
    private static final Duration HOOK_HOLDS_LOCK = Duration.ofSeconds(60);
    private static final Pattern BEGIN_WAL = Pattern.compile("(?m)^begin_wal=([0-9A-F]{24})$");

    private final TestBed bed = new TestBed("walship-barman-it-");
    private Barman barman;
    private CaDirectory certs;
    private Path barmanHome;
    private ExpectedBarmanLayout layout;
    private Path barmanConf;
    private Path origDir;
    private ReceiverProcess receiver;
    private PostgresCluster cluster;
    /** What barman check said before walship had archived anything. */
    private Proc.Result checkBeforeAnyWal;
    private String firstBackup;

    @BeforeAll
    void archiveARealClusterToTwoBarmanServers() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1").issue("pg-agent");
        writeBarmanConfiguration();
        barman = Barman.locate(barmanConf, bed.resolve("barman.log"));
        startReceiver();
        // The cluster's port is picked after the receiver has bound its own, so the two cannot collide.
        cluster = bed.cluster();
        cluster.initdb();
        connectBarmanToTheCluster();
        startArchiving();
        checkBeforeAnyWal = barman.run("check", SERVER);
        try {
            produceEveryKindOfWalFile();
        } catch (AssertionFailedError e) {
            fail(e.getMessage() + receiver.logTail() + "\n--- server log ---\n" + cluster.logTail(), e);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    // ---- configuration ----

    @Test
    @Order(1)
    void walshipReadsBarmansConfigurationAsBarmanDoes() throws IOException, ConfigException {
        // Barman's own configuration module on the same files is the reference.
        String script = """
                import sys
                from barman.config import Config
                c = Config(sys.argv[1])
                c.load_configuration_files_directory()
                print("barman", "barman_home", c.barman_home, sep="\\t")
                print("barman", "barman_lock_directory", c.barman_lock_directory, sep="\\t")
                for s in c.servers():
                    for key in ("backup_directory", "wals_directory", "compression"):
                        print(s.name, key, getattr(s, key), sep="\\t")
                """;
        Proc.Result result = Proc.run(List.of(barman.python(), "-c", script, barmanConf.toString()), bed.dir(), null,
                Barman.TIMEOUT).assertSuccess("reading " + barmanConf + " with Barman's configuration module");
        Map<String, String> barmans = new TreeMap<>();
        result.stdout().lines().map(l -> l.split("\t", 3)).forEach(f -> barmans.put(f[0] + " " + f[1], f[2]));

        BarmanConfig config = BarmanConfig.load(barmanConf);
        Map<String, String> walships = new TreeMap<>();
        walships.put("barman barman_home", config.barmanHome().toString());
        walships.put("barman barman_lock_directory", config.lockDirectory().toString());
        for (BarmanServerConfig server : config.servers().values()) {
            walships.put(server.name() + " backup_directory", server.directories().backupDirectory().toString());
            walships.put(server.name() + " wals_directory", server.directories().walsDirectory().toString());
            walships.put(server.name() + " compression", server.compression().orElse("None"));
        }
        assertEquals(barmans, walships, "walship must resolve " + barmanConf + " (and " + barmanConf.resolveSibling(
                "barman.d") + ") exactly like Barman " + barman.version());

        String log = receiver.stderr();
        assertTrue(log.contains("Barman " + barman.version() + " ('barman --version' says " + barman.version() + ")"),
                "expected the receiver to log the Barman version it found:\n" + log);
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            assertTrue(log.contains("server '" + server + "': " + walsDir(server) + ", xlog.db "
                    + walsDir(server).resolve("xlog.db") + ", lock " + barmanHome.resolve("." + server
                    + "-xlogdb.lock") + ", compression " + CODEC.get(server).xlogDbName), "expected the receiver to "
                    + "log server '" + server + "' with Barman's directories and compression:\n" + log);
        }
    }

    @Test
    @Order(2)
    void aCompressionTheInstalledBarmanCannotReadStopsTheReceiver() throws IOException {
        Path dir = bed.directory("zstd");
        Path conf = dir.resolve("barman.conf");
        Files.writeString(conf, """
                [barman]
                barman_user = %s
                barman_home = %s

                [pgz]
                compression = zstd
                """.formatted(System.getProperty("user.name"), barmanHome));
        Path receiverConf = receiverConfig(conf).server("pgz", "pg-agent").writeTo(dir.resolve("receiver.conf"));

        if (versionAtLeast(3, 12)) {
            // This Barman reads zstd: the same configuration must start a receiver.
            try (ReceiverProcess started = bed.launcher().startReceiver(receiverConf, dir.resolve("receiver.stderr"))) {
                assertTrue(started.port() > 0);
            }
            return;
        }
        Proc.Result result = bed.launcher().run("receiver", "--config", receiverConf.toString());

        assertEquals(2, result.exitCode(), "expected the receiver to refuse zstd for Barman " + barman.version() + ": "
                + result.describe());
        assertTrue(result.stderr().contains("[pgz] compression in " + conf + ":6: Barman " + barman.version()
                + " cannot read zstd-compressed WAL"), "expected a message naming the setting and the Barman "
                + "release: " + result.describe());
    }

    // ---- reading, checking, reindexing ----

    @Test
    @Order(3)
    void getWalReturnsEveryFileExactlyAsPostgresArchivedIt() throws IOException {
        List<String> names = archivedNames();
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            for (String name : names) {
                byte[] stored = Files.readAllBytes(storedPath(server, name));
                assertEquals(CODEC.get(server), StoredCodec.sniff(stored),
                        "expected " + storedPath(server, name) + " stored as " + CODEC.get(server));
                byte[] original = Files.readAllBytes(origDir.resolve(name));
                byte[] served = barman.getWal(server, name);
                assertTrue(Arrays.equals(original, served), () -> "barman get-wal " + server + " " + name + " gave "
                        + served.length + " bytes, PostgreSQL archived " + original.length + "; first difference at "
                        + Arrays.mismatch(original, served));
            }
            // How barman-wal-restore asks for the last segment of an old timeline after a promotion.
            String partial = names.stream().filter(n -> n.endsWith(".partial")).findFirst().orElseThrow();
            assertArrayEquals(Files.readAllBytes(origDir.resolve(partial)),
                    barman.getWal("--partial", server, partial.substring(0, 24)),
                    "barman get-wal --partial " + server + " " + partial.substring(0, 24));
        }
    }

    @Test
    @Order(4)
    void checkFindsNothingWrongWithWhatWalshipStored() throws IOException {
        // Barman prints its WAL archive check only when it fails (3.4 and 3.17 alike): with an empty xlog.db.
        // Before 3.15 it failed before walship had archived anything, which shows the check runs; later releases
        // first make PostgreSQL switch and archive a segment (through walship here) and pass.
        if (!versionAtLeast(3, 15)) {
            assertTrue(checkBeforeAnyWal.stdout().contains("WAL archive: FAILED"), "expected the check before "
                    + "anything was archived to fail WAL archive, proving the check runs: "
                    + checkBeforeAnyWal.describe());
        }
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            Proc.Result check = barman.run("check", server);
            List<String> failed = check.stdout().lines().filter(l -> l.contains("FAILED")).toList();
            assertEquals(List.of(), failed, "expected barman check " + server + " to pass every check: "
                    + check.describe());
            assertEquals(0, check.exitCode(), check.describe());
            assertTrue(check.stdout().lines().anyMatch(l -> l.strip().equals("archiver errors: OK")),
                    "expected 'archiver errors: OK': " + check.describe());
            assertTrue(check.stdout().lines().noneMatch(l -> l.contains("WAL archive") && !l.endsWith(": OK")),
                    "expected no complaint about the WAL archive: " + check.describe());
            // Barman compares its connection's system identifier with identity.json, which walship wrote with
            // fields of its own beside Barman's.
            String identity = Files.readString(layout.serverDir(server).resolve("identity.json"));
            assertTrue(identity.contains("\"walship_wal_segment_size\": 16777216"), identity);
            assertTrue(check.stdout().lines().anyMatch(l -> l.strip().equals("systemid coherence: OK")),
                    "expected 'systemid coherence: OK' with walship's identity.json " + identity + ": "
                    + check.describe());
        }
    }

    @Test
    @Order(5)
    void rebuildXlogdbIndexesExactlyWhatWalshipIndexed() throws IOException {
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            List<XlogDbEntry> walships = XlogDbEntry.read(xlogDb(server));
            List<XlogDbEntry> partials = walships.stream().filter(e -> e.name().endsWith(".partial")).toList();
            assertFalse(partials.isEmpty(), "expected walship to have indexed a .partial file in " + xlogDb(server));

            barman.ok("rebuild-xlogdb", server);

            List<XlogDbEntry> rebuilt = XlogDbEntry.read(xlogDb(server));
            // Barman 3.4 skips .partial files when it rebuilds (its log says "unexpected file"), though its
            // archiver indexes them; everything else must come out the same, time to the last digit.
            assertEquals(sorted(walships.stream().filter(e -> !partials.contains(e)).toList()), sorted(rebuilt),
                    "expected barman rebuild-xlogdb " + server + " to index what walship indexed");
            // walship puts back what the rebuild dropped: a re-push of an archived file indexes it again, with the
            // stored file's own time.
            for (XlogDbEntry partial : partials) {
                assertEquals(0, push(server, partial.name()).exitCode(), "re-push of " + partial.name());
            }
            assertEquals(sorted(walships), sorted(XlogDbEntry.read(xlogDb(server))),
                    "expected the re-pushed .partial indexed as before the rebuild");
        }
    }

    // ---- recovery and expiry ----

    @Test
    @Order(6)
    void aBarmanBackupWithWalshipsWalRecoversToATargetTime() throws IOException {
        barman.ok("backup", "--wait", SERVER);
        firstBackup = backupIds().getFirst();
        cluster.psql("create table interop_rows (id int primary key, committed timestamptz default now());");
        for (int id = 1; id <= 5; id++) {
            cluster.psql("insert into interop_rows (id) values (" + id + ");");
        }
        cluster.psql("select pg_sleep(0.2);");
        String target = cluster.psql("select clock_timestamp()::text;");
        cluster.psql("select pg_sleep(0.2);");
        for (int id = 6; id <= 9; id++) {
            cluster.psql("insert into interop_rows (id) values (" + id + ");");
        }
        String last = cluster.psql("select pg_walfile_name(pg_current_wal_lsn());");
        cluster.psql("select pg_switch_wal();");
        cluster.waitArchived(last, ARCHIVE_TIMEOUT);

        PostgresCluster recovered = bed.cluster();
        Proc.Result recover = barman.ok("recover", "--target-time", target, "--target-action", "promote", SERVER,
                firstBackup, recovered.dataDir().toString());
        assertTrue(recover.stdout().contains("successfully prepared for recovery"), recover.describe());
        // Barman decompressed walship's files for the recovery: they must be PostgreSQL's bytes.
        Path barmanWal = recovered.dataDir().resolve("barman_wal");
        try (Stream<Path> files = Files.list(barmanWal)) {
            List<Path> copied = files.filter(Files::isRegularFile).toList();
            assertFalse(copied.isEmpty(), "expected barman recover to copy WAL into " + barmanWal);
            for (Path file : copied) {
                assertArrayEquals(Files.readAllBytes(origDir.resolve(file.getFileName().toString())),
                        Files.readAllBytes(file), "expected " + file + " to be the file PostgreSQL archived");
            }
        }
        Path socketDir = recovered.dataDir().getParent();
        recovered.configure(Map.of("listen_addresses", "127.0.0.1", "port", Integer.toString(recovered.port()),
                "unix_socket_directories", socketDir.toString()));
        RunAs.giveToPostgres(recovered.dataDir());
        Files.setPosixFilePermissions(recovered.dataDir(), PosixFilePermissions.fromString("rwx------"));
        recovered.start();
        recovered.waitOutOfRecovery(Duration.ofSeconds(120));

        assertEquals("1,2,3,4,5", recovered.psql("select string_agg(id::text, ',' order by id) from interop_rows;"),
                "expected exactly the rows committed before " + target + "\n--- server log ---\n"
                        + recovered.logTail());
        assertTrue(recovered.serverLog().contains("recovery stopping before commit"),
                "expected recovery to stop at the target time:\n" + recovered.logTail());
    }

    @Test
    @Order(7)
    void deletingTheFirstBackupExpiresItsWalWhileWalshipWaitsForBarmansLock() throws IOException {
        cluster.waitArchived(cluster.switchWal(), ARCHIVE_TIMEOUT);
        barman.ok("backup", "--wait", SERVER);
        List<String> backups = backupIds();
        assertEquals(2, backups.size(), "expected two backups: " + backups);
        String secondBackup = backups.getFirst();
        String keepFrom = beginWal(secondBackup);
        List<String> linesBefore = Files.readAllLines(xlogDb(SERVER));

        Files.createFile(bed.resolve("hook-armed"));
        try (Background delete = Background.start(barman.command("delete", SERVER, firstBackup), bed.dir())) {
            boolean holding = PostgresCluster.poll(Duration.ofSeconds(60), () -> {
                if (!delete.alive()) {
                    fail(delete.describe("ended before its pre_wal_delete_script ran") + "\n--- barman log ---\n"
                            + barman.logTail());
                }
                return Files.exists(bed.resolve("hook-holding"));
            });
            assertTrue(holding, delete.describe("never ran its pre_wal_delete_script"));
            // Barman now holds the xlog.db lock (its hook runs inside it): PostgreSQL archives a new segment.
            int logMark = receiver.stderr().length();
            String segment = cluster.switchWal();
            boolean waiting = PostgresCluster.poll(Duration.ofSeconds(30), () -> receiver.stderr().substring(logMark)
                    .contains("s for " + barmanHome.resolve("." + SERVER + "-xlogdb.lock") + ", held by pid " + delete.pid()
                    + " ("));
            assertTrue(waiting, "expected the receiver to log that it waits for Barman's lock:\n" + receiver.stderr());
            assertTrue(delete.alive(), delete.describe("ended before walship's upload was checked"));
            assertFalse(Files.exists(storedPath(SERVER, segment)),
                    "expected nothing stored as " + segment + " while Barman holds the lock");
            assertTrue(Files.readAllLines(xlogDb(SERVER)).stream().noneMatch(l -> l.startsWith(segment)),
                    "expected " + segment + " not indexed while Barman holds the lock");
            assertTrue(Files.exists(cluster.dataDir().resolve("pg_wal/archive_status/" + segment + ".ready")),
                    "expected PostgreSQL still waiting for " + segment + " to be archived");

            Files.createFile(bed.resolve("hook-release"));
            Proc.Result deleted = delete.await(Barman.TIMEOUT);
            assertEquals(0, deleted.exitCode(), deleted.describe() + "\n--- barman log ---\n" + barman.logTail());
            cluster.waitArchived(segment, ARCHIVE_TIMEOUT);

            List<String> kept = linesBefore.stream().filter(l -> keeps(l, keepFrom)).toList();
            List<String> expired = linesBefore.stream().filter(l -> !keeps(l, keepFrom)).toList();
            assertFalse(expired.isEmpty(), "expected WAL older than " + keepFrom + " to expire: " + linesBefore);
            List<String> linesAfter = Files.readAllLines(xlogDb(SERVER));
            // Barman rewrote the lines it kept from its parsed values: walship's must survive byte for byte.
            assertEquals(kept, linesAfter.subList(0, linesAfter.size() - 1),
                    "expected Barman to keep walship's lines for WAL from " + keepFrom + " on, unchanged");
            assertTrue(linesAfter.getLast().startsWith(segment + "\t"),
                    "expected walship's line for " + segment + " appended after Barman's rewrite: " + linesAfter);
            for (String line : expired) {
                Path file = storedPath(SERVER, line.split("\t")[0]);
                assertFalse(Files.exists(file), "expected Barman to delete " + file);
            }
            assertIndexMatchesFiles(SERVER);
            assertArrayEquals(Files.readAllBytes(origDir.resolve(segment)), barman.getWal(SERVER, segment),
                    "barman get-wal " + SERVER + " " + segment);
            Proc.Result check = barman.run("check", SERVER);
            assertEquals(0, check.exitCode(), check.describe());
        }
    }

    /**
     * After Barman rebuilt the index and expired WAL, walship verify still finds every file sound against the
     * checksums recorded when it was stored (lines of files Barman deleted do not count), and it names damage.
     */
    @Test
    @Order(8)
    void walshipVerifyFindsWhatBarmanKeptSoundAndNamesDamage() throws IOException {
        Path config = bed.resolve("receiver.conf");
        assertTrue(Files.exists(layout.serverDir(SERVER).resolve("walship-checksums")));

        Proc.Result sound = bed.launcher().run("verify", "--config", config.toString());

        assertEquals(0, sound.exitCode(), sound.describe());
        assertTrue(sound.stdout().contains("server '" + SERVER + "': ") && sound.stdout().contains("all sound"),
                sound.describe());
        List<XlogDbEntry> entries = XlogDbEntry.read(xlogDb(SERVER));
        Path victim = storedPath(SERVER, entries.getLast().name());
        byte[] original = Files.readAllBytes(victim);
        byte[] damaged = original.clone();
        for (int i = damaged.length / 2; i < damaged.length / 2 + 8; i++) {
            damaged[i] ^= (byte) 0xFF;
        }
        Files.write(victim, damaged);
        try {
            Proc.Result found = bed.launcher().run("verify", "--config", config.toString(), "--nagios", SERVER);

            assertEquals(2, found.exitCode(), found.describe());
            assertTrue(found.stdout().startsWith("WALSHIP VERIFY CRITICAL - 1 server, "), found.describe());
            assertTrue(found.stdout().contains("DAMAGED " + victim), found.describe());
            assertEquals(1, found.stdout().lines().count(), found.describe());
        } finally {
            Files.write(victim, original);
        }
    }

    // ---- setup ----

    /**
     * A Barman configuration as a Barman user writes it: [barman] with the global settings (gzip for every
     * server), one file per server in barman.d. Both servers back up with pg_basebackup and take WAL from
     * walship, which writes straight into wals/: archiver = on (Barman 3.4 forces it on when both archivers are
     * off) with an empty incoming directory, and no streaming archiver.
     */
    private void writeBarmanConfiguration() throws IOException {
        barmanHome = bed.directory("barman");
        layout = new ExpectedBarmanLayout(barmanHome);
        Path serversDir = bed.directory("barman.d");
        barmanConf = bed.resolve("barman.conf");
        Path hook = bed.resolve("pre-wal-delete.sh");
        Files.writeString(hook, """
                #!/bin/sh
                # Keeps Barman inside its xlog.db lock, once, when the test has armed it: until the test releases
                # it, or for %2$d s at most.
                if [ -e '%1$s/hook-armed' ] && mkdir '%1$s/hook-fired' 2>/dev/null; then
                  touch '%1$s/hook-holding'
                  i=0
                  while [ ! -e '%1$s/hook-release' ] && [ $i -lt %3$d ]; do
                    sleep 0.1
                    i=$((i + 1))
                  done
                fi
                exit 0
                """.formatted(bed.dir(), HOOK_HOLDS_LOCK.toSeconds(), HOOK_HOLDS_LOCK.toSeconds() * 10));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(barmanConf, """
                [barman]
                barman_user = %s
                barman_home = %s
                configuration_files_directory = %s
                log_file = %s
                log_level = INFO
                compression = gzip
                immediate_checkpoint = true
                path_prefix = /usr/lib/postgresql/15/bin
                """.formatted(System.getProperty("user.name"), barmanHome, serversDir, bed.resolve("barman.log")));
        Files.writeString(serversDir.resolve(SERVER + ".conf"), """
                [%s]
                description = archived by walship, gzip as set in [barman]
                backup_method = postgres
                archiver = on
                streaming_archiver = off
                pre_wal_delete_script = %s
                """.formatted(SERVER, hook));
        Files.writeString(serversDir.resolve(BZIP2_SERVER + ".conf"), """
                [%s]
                description = archived by walship, bzip2
                backup_method = postgres
                archiver = on
                streaming_archiver = off
                compression = bzip2
                """.formatted(BZIP2_SERVER));
    }

    /** Barman's connections for pg_basebackup and its checks, over loopback TCP. */
    private void connectBarmanToTheCluster() throws IOException {
        String connection = "host=127.0.0.1 port=" + cluster.port() + " user=postgres";
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            Path file = barmanConf.resolveSibling("barman.d").resolve(server + ".conf");
            Files.writeString(file, "conninfo = " + connection + " dbname=postgres\nstreaming_conninfo = "
                    + connection + "\n", StandardOpenOption.APPEND);
        }
    }

    private ReceiverConfigFile receiverConfig(Path barmanConfiguration) {
        return ReceiverConfigFile.barmanConfig(barmanConfiguration).tls(certs, "receiver");
    }

    private void startReceiver() throws IOException {
        receiver = bed.startReceiver(receiverConfig(barmanConf).server(SERVER, "pg-agent")
                .server(BZIP2_SERVER, "pg-agent"));
    }

    /** archive_command pushes each file to both servers, then keeps a copy (with its mtime) to compare with. */
    private void startArchiving() throws IOException {
        PostgresAgentDir agent = bed.postgresAgent(certs, "pg-agent");
        Path launcher = bed.launcherForPostgres();
        List<String> commands = new ArrayList<>();
        for (String server : List.of(SERVER, BZIP2_SERVER)) {
            Path config = agent.write(server + ".conf", agent.config(server, receiver.port()).set("start_agent", "no"));
            commands.add(ShellCommand.push(launcher, config));
        }
        origDir = bed.postgresDirectory("orig");
        commands.add(ShellCommand.keepCopyIn(origDir));
        cluster.archiveThrough(ShellCommand.allOf(commands.toArray(String[]::new)));
        cluster.start();
    }

    /** Segments on two timelines, a .backup label, the new timeline's .history and the old one's .partial. */
    private void produceEveryKindOfWalFile() throws IOException {
        List<String> switched = new ArrayList<>();
        switched.add(cluster.switchWal());
        switched.add(cluster.switchWal());
        cluster.psql("select pg_backup_start('interop', true);\nselect lsn from pg_backup_stop();", ARCHIVE_TIMEOUT);
        cluster.promoteToNewTimeline();
        switched.add(cluster.switchWal());
        switched.add(cluster.switchWal());
        for (String name : switched) {
            cluster.waitArchived(name, ARCHIVE_TIMEOUT);
        }
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);
        List<String> names = archivedNames();
        for (String suffix : List.of(".partial", ".history", ".backup")) {
            assertTrue(names.stream().anyMatch(n -> n.endsWith(suffix)), "expected a " + suffix + " file among "
                    + names);
        }
    }

    // ---- helpers ----

    /** {@code walship push} run by the test itself, of a file PostgreSQL archived. */
    private Proc.Result push(String server, String name) throws IOException {
        Path config = AgentConfigFile.forServer(server, receiver.port())
                .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                .writeTo(bed.resolve("push-" + server + ".conf"));
        return bed.launcher().run("push", "--config", config.toString(), origDir.resolve(name).toString(), name);
    }

    private List<String> archivedNames() throws IOException {
        try (Stream<Path> files = Files.list(origDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path walsDir(String server) {
        return layout.serverDir(server).resolve("wals");
    }

    private Path xlogDb(String server) {
        return layout.xlogDb(server);
    }

    private Path storedPath(String server, String name) {
        return layout.walPath(server, name);
    }

    /** Backup ids, newest first. */
    private List<String> backupIds() throws IOException {
        return barman.ok("list-backup", "--minimal", SERVER).stdout().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
    }

    private String beginWal(String backupId) throws IOException {
        Path info = barmanHome.resolve(SERVER).resolve("base").resolve(backupId).resolve("backup.info");
        Matcher m = BEGIN_WAL.matcher(Files.readString(info));
        return m.find() ? m.group(1) : fail("no begin_wal in " + info);
    }

    /** What barman delete keeps of the oldest backup's WAL: history files, and everything from the next backup on. */
    private static boolean keeps(String line, String keepFrom) {
        String name = line.split("\t")[0];
        return name.endsWith(".history") || name.compareTo(keepFrom) >= 0;
    }

    /** Every indexed file exists with the indexed size and codec, and every stored file is indexed once. */
    private void assertIndexMatchesFiles(String server) throws IOException {
        List<XlogDbEntry> entries = XlogDbEntry.read(xlogDb(server));
        assertEquals(entries.size(), new TreeSet<>(entries.stream().map(XlogDbEntry::name).toList()).size(),
                "expected no duplicate in " + entries);
        for (XlogDbEntry entry : entries) {
            Path file = storedPath(server, entry.name());
            assertTrue(Files.isRegularFile(file), "expected " + file + " for " + entry);
            assertEquals(Files.size(file), entry.size(), "size of " + entry);
            assertEquals(StoredCodec.sniff(Files.readAllBytes(file)).xlogDbName, entry.compression(), "codec of "
                    + entry);
        }
        List<String> stored;
        try (Stream<Path> files = Files.walk(walsDir(server))) {
            stored = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("xlog.db")).sorted().toList();
        }
        assertEquals(stored, entries.stream().map(XlogDbEntry::name).sorted().toList(),
                "expected " + xlogDb(server) + " to list exactly the files under " + walsDir(server));
    }

    private boolean versionAtLeast(int major, int minor) {
        String[] parts = barman.version().split("\\.");
        int foundMajor = Integer.parseInt(parts[0]);
        int foundMinor = Integer.parseInt(parts[1]);
        return foundMajor > major || foundMajor == major && foundMinor >= minor;
    }

    private static List<XlogDbEntry> sorted(List<XlogDbEntry> entries) {
        return entries.stream().sorted(Comparator.comparing(XlogDbEntry::name)).toList();
    }
}
