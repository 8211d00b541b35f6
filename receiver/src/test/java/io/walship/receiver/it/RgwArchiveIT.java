package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * walship and barman-cloud sharing one server's directory of a Ceph RADOS Gateway bucket: a PostgreSQL 15 cluster
 * archives through {@code walship push} into a receiver whose server is {@code storage = s3}, barman-cloud-backup
 * takes its own base backup of the running cluster into the same directory, and that backup, restored by
 * barman-cloud-restore, recovers to a point in time with restore_command reading the WAL walship stored, through
 * barman-cloud-wal-restore and through {@code walship fetch}. The archive_command also copies each file aside,
 * which is what the bucket is checked against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RgwGateway.Shared.class)
class RgwArchiveIT {

    private static final String SERVER = "pg";
    private static final String BUCKET = "walship-rgw-archive";
    private static final String PREFIX = "archive/prod";
    private static final String BACKUP = "before-rows";
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
    /** Rows committed, one transaction each, before and after the recovery target. */
    private static final List<Integer> BEFORE_TARGET = List.of(1, 2, 3);
    private static final List<Integer> AFTER_TARGET = List.of(4, 5, 6);

    private final TestBed bed = new TestBed("walship-rgw-it-");
    private RgwGateway rgw;
    private BarmanCloud barmanCloud;
    private CloudWalDirectory wals;
    private PostgresAgentDir agent;
    private ReceiverProcess receiver;
    private PostgresCluster cluster;
    private Path origDir;
    private Path restoredBackup;
    private String targetTime;

    @BeforeAll
    void archiveBackUpAndCommitRowsAroundATargetTime(RgwGateway gateway) throws Exception {
        rgw = gateway;
        rgw.createBucket(BUCKET);
        barmanCloud = new BarmanCloud(rgw.account(), BUCKET, PREFIX, SERVER);
        wals = new CloudWalDirectory(rgw.client(), BUCKET, PREFIX, SERVER);
        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        Path credentials = rgw.account().writeCredentials(bed.resolve("aws-credentials"), "archive");
        receiver = bed.startReceiver(ReceiverConfigFile.barmanHome(bed.directory("barman")).tls(certs, "receiver")
                .set("barman_version", "none").server(SERVER, "pg-agent", rgw.serverSection(BUCKET, PREFIX,
                        credentials, "archive", bed.directory("spool"))));
        agent = bed.postgresAgent(certs, "pg-agent");
        Path pushConfig = agent.write("agent.conf", agent.config(SERVER, receiver.port()).set("start_agent", "no"));
        origDir = bed.postgresDirectory("orig");
        cluster = bed.archivingCluster(ShellCommand.allOf(ShellCommand.push(bed.launcherForPostgres(), pushConfig),
                ShellCommand.keepCopyIn(origDir)), Map.of("track_commit_timestamp", "on"));
        cluster.switchWal();
        cluster.promoteToNewTimeline();
        cluster.psql("create table rgw_rows (id integer primary key);");
        cluster.switchWal();

        Path work = bed.postgresDirectory("barman-cloud");
        runAsPostgres(barmanCloud.backup(cluster.socketDirectory(), cluster.port(), BACKUP), work);
        restoredBackup = work.resolve("restored");
        runAsPostgres(barmanCloud.restore(BACKUP, restoredBackup), work);

        commitRows(BEFORE_TARGET);
        targetTime = cluster.psql("select clock_timestamp();");
        commitRows(AFTER_TARGET);
        String commitTimes = cluster.psql("select string_agg(id || ' ' || pg_xact_commit_timestamp(xmin), ', '"
                + " order by id) from rgw_rows;");
        assertEquals("t", cluster.psql("select bool_and((pg_xact_commit_timestamp(xmin) < '" + targetTime
                + "') = (id <= " + BEFORE_TARGET.getLast() + ")) from rgw_rows;"),
                "expected the target " + targetTime + " between the commits of rows " + BEFORE_TARGET + " and of "
                        + AFTER_TARGET + ", committed at " + commitTimes);
        String last = cluster.switchWal();
        cluster.waitArchived(last, ARCHIVE_TIMEOUT);
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void everyArchivedFileIsInTheBucketUnderBarmanCloudsKeyAndBarmanCloudWalRestoreRestoresIt() throws IOException {
        Path restored = bed.directory("wal-restore");
        for (String name : wals.assertHoldsGzipped(origDir).values()) {
            if (name.endsWith(".backup")) {
                continue; // barman-cloud-wal-restore skips backup history files: recovery never asks for them
            }
            List<String> command = barmanCloud.walRestore(name, restored.resolve(name).toString());
            Proc.Result result = Proc.run(command, restored, null, COMMAND_TIMEOUT);
            assertEquals(0, result.exitCode(), "expected `" + ShellCommand.line(command) + "` to succeed: "
                    + result.describe());
            assertArrayEquals(Files.readAllBytes(origDir.resolve(name)), Files.readAllBytes(restored.resolve(name)),
                    "expected `" + ShellCommand.line(command) + "` to restore the archived " + name);
        }
    }

    @Test
    @Order(2)
    void barmanCloudsBackupRecoversToTheTargetTimeThroughBarmanCloudWalRestore() throws IOException {
        assertRecoversToTheTarget("barman-cloud", barmanCloud.restoreCommand());
    }

    @Test
    @Order(3)
    void barmanCloudsBackupRecoversToTheTargetTimeThroughWalshipFetch() throws IOException {
        Path config = agent.writeFetchOnly("fetch.conf", SERVER, receiver.port(), bed.directory("fetch-spool"));
        assertRecoversToTheTarget("walship", ShellCommand.fetch(bed.launcherForPostgres(), config));
    }

    /**
     * A copy of the restored backup recovers with {@code restoreCommand} to the target time and is promoted
     * there: its table holds exactly the rows committed before the target.
     */
    private void assertRecoversToTheTarget(String reader, String restoreCommand) throws IOException {
        PostgresCluster restored = bed.cluster();
        restored.copyBaseBackup(restoredBackup);
        restored.configure(Map.of("archive_mode", "off", "restore_command", restoreCommand,
                "recovery_target_time", targetTime, "recovery_target_action", "promote"));
        RunAs.giveToPostgres(Files.createFile(restored.dataDir().resolve("recovery.signal")));
        String how = "the backup that `" + ShellCommand.line(barmanCloud.restore(BACKUP, restoredBackup))
                + "` restored, with restore_command = '" + restoreCommand + "' and recovery_target_time = '"
                + targetTime + "'";
        try {
            restored.start();
            restored.waitOutOfRecovery(RECOVERY_TIMEOUT);
        } catch (AssertionError e) {
            fail(reader + "'s recovery of " + how + " did not end: " + e.getMessage());
        }

        if (!restored.serverLog().contains("restored log file")) {
            fail("expected " + reader + "'s recovery of " + how + " to restore WAL from the archive"
                    + "\n--- server log ---\n" + restored.logTail());
        }
        String rows = restored.psql("select coalesce(string_agg(id::text, ',' order by id), '') from rgw_rows;");

        String expected = String.join(",", BEFORE_TARGET.stream().map(String::valueOf).toList());
        if (!expected.equals(rows)) {
            fail("expected " + reader + "'s recovery of " + how + " to hold rows " + expected + ", not " + rows
                    + "\n--- server log ---\n" + restored.logTail());
        }
    }

    private void commitRows(List<Integer> ids) throws IOException {
        StringBuilder sql = new StringBuilder();
        ids.forEach(id -> sql.append("insert into rgw_rows values (").append(id).append(");\n"));
        cluster.psql(sql.toString());
    }

    private void runAsPostgres(List<String> command, Path dir) throws IOException {
        Proc.Result result = Proc.run(RunAs.postgres(command), dir, null, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("`" + ShellCommand.line(command) + "` failed: " + result.describe() + receiver.logTail()
                    + "\n--- server log ---\n" + cluster.logTail());
        }
    }
}
