package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Receivers keep no state of their own, so several can share one bucket: two receiver processes, each with its
 * own configuration but the same bucket, prefix and server, take pushes of the same WAL names at the same time
 * from two agents, one through each receiver, on a Ceph RADOS Gateway. The files are a real cluster's archive
 * (segments, a history file, a partial segment). Each round is a server of its own (the same in both receivers), so that every round races to create its keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RgwGateway.Shared.class)
class SharedBucketIT {

    private static final String BUCKET = "walship-shared-bucket";
    private static final String PREFIX = "shared/prod";
    private static final List<String> RECEIVERS = List.of("receiver-a", "receiver-b");
    private static final int ROUNDS = 2;
    private static final int SEGMENTS = 1;
    private static final int EXIT_CONFLICT = 6;
    private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);

    private final TestBed bed = new TestBed("walship-shared-bucket-it-");
    private RgwGateway rgw;
    private Path origDir;
    private List<String> names;
    private final Map<String, ReceiverProcess> receivers = new LinkedHashMap<>();
    /** Per receiver, per server: the agent's configuration, for push and fetch. */
    private final Map<String, Map<String, Path>> agentConfigs = new LinkedHashMap<>();

    @BeforeAll
    void startTwoReceiversOnOneBucketWithARealClustersWal(RgwGateway gateway) throws Exception {
        rgw = gateway;
        rgw.createBucket(BUCKET);
        origDir = bed.postgresDirectory("orig");
        PostgresCluster cluster = bed.archivingCluster(ShellCommand.keepCopyIn(origDir));
        for (int i = 0; i < SEGMENTS; i++) {
            cluster.switchWal();
        }
        cluster.promoteToNewTimeline();
        cluster.waitArchived("00000002.history", ARCHIVE_TIMEOUT);
        cluster.waitAllArchived(ARCHIVE_TIMEOUT);
        cluster.stop();
        try (Stream<Path> files = Files.list(origDir)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }

        CaDirectory certs = bed.ca("certs").issue("receiver", "127.0.0.1", "localhost").issue("pg-agent");
        Path credentials = rgw.account().writeCredentials(bed.resolve("aws-credentials"), "archive");
        for (String name : RECEIVERS) {
            ReceiverConfigFile config = ReceiverConfigFile.barmanHome(bed.directory(name + "-barman"))
                    .tls(certs, "receiver").set("barman_version", "none");
            for (int round = 1; round <= ROUNDS; round++) {
                config.server(server(round), "pg-agent", rgw.serverSection(BUCKET, PREFIX, credentials, "archive",
                        bed.directory(name + "-spool-" + round)));
            }
            ReceiverProcess receiver = bed.startReceiver(name, config);
            receivers.put(name, receiver);
            Map<String, Path> configs = new LinkedHashMap<>();
            for (int round = 1; round <= ROUNDS; round++) {
                configs.put(server(round), AgentConfigFile.forServer(server(round), receiver.port())
                        .tls(certs.caCertificate(), certs.certificate("pg-agent"), certs.key("pg-agent"))
                        .set("start_agent", "no").set("prefetch", "0")
                        .set("spool_directory", bed.directory("agent-spool-" + name + "-" + round))
                        .writeTo(bed.directory("agents").resolve(name + "-" + round + ".conf")));
            }
            agentConfigs.put(name, configs);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    @Order(1)
    void racingPushesOfTheSameNamesThroughBothReceiversAllSucceedAndStoreEachNameOnce() throws IOException {
        for (int round = 1; round <= ROUNDS; round++) {
            String server = server(round);
            List<Background> pushes = new ArrayList<>();
            try {
                for (String name : names) {
                    for (String receiver : RECEIVERS) {
                        pushes.add(Background.start(walship(receiver, server, "push", origDir.resolve(name)
                                .toString(), name), bed.dir()));
                    }
                }
                for (Background push : pushes) {
                    Proc.Result result = push.await(PUSH_TIMEOUT);
                    assertEquals(0, result.exitCode(), "expected every racing push to " + server + " to succeed: "
                            + "`" + ShellCommand.line(result.command()) + "` " + result.describe() + receiverLogs());
                }
            } finally {
                for (Background push : pushes) {
                    push.close();
                }
            }
            wals(server).assertHoldsGzipped(origDir);
            assertOneStoredAndOneAlreadyStored(server);
        }
    }

    /**
     * Only the receivers can tell a put that created its key from one that overwrote it with the same bytes: for
     * each name exactly one of the two racing pushes was STORED, the other ALREADY_STORED (their access logs).
     */
    private void assertOneStoredAndOneAlreadyStored(String server) throws IOException {
        for (String name : names) {
            String request = " pg-agent -> " + server + "/" + name + " ";
            Pattern stored = Pattern.compile("(?<![A-Z_])STORED" + Pattern.quote(request));
            Pattern already = Pattern.compile("ALREADY_STORED" + Pattern.quote(request));
            int[] counts = new int[2];
            boolean answered = PostgresCluster.poll(LOG_TIMEOUT, () -> {
                counts[0] = 0;
                counts[1] = 0;
                for (ReceiverProcess receiver : receivers.values()) {
                    String log = receiver.stderr();
                    counts[0] += (int) stored.matcher(log).results().count();
                    counts[1] += (int) already.matcher(log).results().count();
                }
                return counts[0] + counts[1] >= RECEIVERS.size();
            });
            if (!answered || counts[0] != 1 || counts[1] != RECEIVERS.size() - 1) {
                fail("expected the racing pushes of " + server + "/" + name + " to be STORED once and ALREADY_STORED"
                        + " otherwise, the receivers logged " + counts[0] + " STORED and " + counts[1]
                        + " ALREADY_STORED" + receiverLogs());
            }
        }
    }

    @Test
    @Order(2)
    void aDifferentFileUnderAStoredNameIsAConflictThroughEitherReceiverAndTheObjectStays() throws IOException {
        String name = names.getFirst();
        byte[] altered = Files.readAllBytes(origDir.resolve(name));
        altered[altered.length / 2] ^= (byte) 0xff;
        Path different = Files.write(bed.directory("conflict").resolve(name), altered);
        CloudWalDirectory wals = wals(server(1));
        Map<String, String> before = wals.bucketState();
        for (String receiver : RECEIVERS) {
            List<String> command = walship(receiver, server(1), "push", different.toString(), name);

            Proc.Result result = Proc.run(command, bed.dir(), null, PUSH_TIMEOUT);

            assertEquals(EXIT_CONFLICT, result.exitCode(), "expected `" + ShellCommand.line(command) + "` through "
                    + receiver + " to be a conflict: " + result.describe() + receiverLogs());
            assertEquals(before, wals.bucketState(), "expected a conflicting push through " + receiver
                    + " to leave the bucket as it was");
        }
    }

    @Test
    @Order(3)
    void walshipFetchThroughEitherReceiverReturnsTheOriginalBytes() throws IOException {
        for (String receiver : RECEIVERS) {
            for (String name : names) {
                Path dataDir = bed.directory("fetch-" + receiver + "-" + name + "/pg_wal").getParent();
                List<String> command = walship(receiver, server(ROUNDS), "fetch", name, "pg_wal/RECOVERYXLOG");

                Proc.Result result = Proc.run(command, dataDir, null, PUSH_TIMEOUT);

                assertEquals(0, result.exitCode(), "expected `" + ShellCommand.line(command) + "` in " + dataDir
                        + " to succeed: " + result.describe() + receiverLogs());
                assertArrayEquals(Files.readAllBytes(origDir.resolve(name)),
                        Files.readAllBytes(dataDir.resolve("pg_wal/RECOVERYXLOG")),
                        "expected `" + ShellCommand.line(command) + "` to return the archived " + name);
            }
        }
    }

    private static String server(int round) {
        return "pg-round-" + round;
    }

    private CloudWalDirectory wals(String server) {
        return new CloudWalDirectory(rgw.client(), BUCKET, PREFIX, server);
    }

    /** {@code walship SUBCOMMAND --config ...} of the agent that goes through {@code receiver} to {@code server}. */
    private List<String> walship(String receiver, String server, String subcommand, String... args) {
        List<String> command = new ArrayList<>(List.of(bed.launcher().executable().toString(), subcommand,
                "--config", agentConfigs.get(receiver).get(server).toString()));
        command.addAll(List.of(args));
        return command;
    }

    private String receiverLogs() {
        StringBuilder logs = new StringBuilder();
        receivers.forEach((name, receiver) -> logs.append("\n--- ").append(name).append(" ---").append(receiver
                .logTail()));
        return logs.toString();
    }
}
