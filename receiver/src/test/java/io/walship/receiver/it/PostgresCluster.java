package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real, throw-away PostgreSQL 15 cluster in its own temporary directory, listening on 127.0.0.1 at a free
 * port and on a unix socket inside that directory.
 */
final class PostgresCluster implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path base;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private boolean started;

    PostgresCluster() throws IOException {
        if (!Files.isExecutable(BIN.resolve("postgres"))) {
            fail("PostgreSQL 15 server binaries are missing from " + BIN + "; .ci/run must install postgresql-15");
        }
        base = RunAs.tempDir("walship-pg-");
        dataDir = base.resolve("data");
        log = base.resolve("server.log");
        port = freePort();
        RunAs.giveToPostgres(base);
    }

    Path dataDir() {
        return dataDir;
    }

    int port() {
        return port;
    }

    /** Where the server's unix socket is, for a client on this host such as barman-cloud-backup. */
    Path socketDirectory() {
        return base;
    }

    void initdb() throws IOException {
        pg(List.of(bin("initdb"), "-D", dataDir.toString(), "-U", "postgres", "--auth=trust",
                "--locale=C", "--encoding=UTF8", "--no-sync"), COMMAND_TIMEOUT);
        configure(Map.of(
                "listen_addresses", "127.0.0.1",
                "port", Integer.toString(port),
                "unix_socket_directories", base.toString()));
    }

    /** Appends settings to postgresql.conf; every value is written as a quoted string, which any GUC accepts. */
    void configure(Map<String, String> settings) throws IOException {
        StringBuilder text = new StringBuilder("\n");
        settings.forEach((key, value) -> text.append(key).append(" = '")
                .append(value.replace("'", "''")).append("'\n"));
        Files.writeString(dataDir.resolve("postgresql.conf"), text, StandardOpenOption.APPEND);
    }

    /**
     * Archives every WAL file through {@code archiveCommand} (which the test makes run the real {@code walship
     * push}), from the first segment on and without timed switches: the test switches segments itself.
     */
    void archiveThrough(String archiveCommand) throws IOException {
        configure(Map.of(
                "archive_mode", "on",
                "archive_command", archiveCommand,
                "archive_timeout", "0",
                "wal_level", "replica",
                // durability of a throw-away cluster buys nothing here and costs a flush per new segment
                "fsync", "off"));
    }

    void start() throws IOException {
        Proc.Result result = tryStart();
        if (result.exitCode() != 0) {
            fail("PostgreSQL did not start: " + result.describe() + "\n--- server log ---\n" + logTail());
        }
    }

    /**
     * {@code pg_ctl start -w}, leaving the verdict to the caller: a server in archive recovery may stop before
     * or after pg_ctl sees it accept connections.
     */
    Proc.Result tryStart() throws IOException {
        Proc.Result result = pgUnchecked(List.of(bin("pg_ctl"), "start", "-D", dataDir.toString(), "-l", log.toString(),
                "-w", "-t", "60"), COMMAND_TIMEOUT);
        started = true;
        return result;
    }

    /** Whether a server runs on this data directory ({@code pg_ctl status} exits 0 only then). */
    boolean running() throws IOException {
        return pgUnchecked(List.of(bin("pg_ctl"), "status", "-D", dataDir.toString()), COMMAND_TIMEOUT).exitCode() == 0;
    }

    /**
     * Makes this (not yet initialised) cluster a copy of {@code baseBackup}, a directory written by
     * {@link #baseBackupWithoutWal}, listening on its own port and socket directory.
     */
    void copyBaseBackup(Path baseBackup) throws IOException {
        pg(List.of("cp", "-a", baseBackup.toString(), dataDir.toString()), COMMAND_TIMEOUT);
        pg(List.of("chmod", "0700", dataDir.toString()), COMMAND_TIMEOUT);
        configure(Map.of(
                "listen_addresses", "127.0.0.1",
                "port", Integer.toString(port),
                "unix_socket_directories", base.toString()));
    }

    /**
     * {@code pg_basebackup -X none} into {@code target} (whose parent the postgres user may write to): the backup
     * holds no WAL, so a restore needs every segment from the archive. pg_basebackup waits until the backup's
     * last segment is archived.
     */
    void baseBackupWithoutWal(Path target) throws IOException {
        pg(List.of(bin("pg_basebackup"), "-D", target.toString(), "-X", "none", "-c", "fast", "--no-sync",
                "-h", base.toString(), "-p", Integer.toString(port), "-U", "postgres"), COMMAND_TIMEOUT);
    }

    /**
     * Waits until the server has left recovery (promoted); fails at once with the log when the server stops
     * instead.
     */
    void waitOutOfRecovery(Duration timeout) throws IOException {
        String[] inRecovery = {""};
        boolean promoted = poll(timeout, () -> {
            if (!running()) {
                fail("the server stopped while in recovery (pg_is_in_recovery = " + inRecovery[0] + ")"
                        + "\n--- server log ---\n" + logTail());
            }
            Proc.Result result = tryPsql("select pg_is_in_recovery();", COMMAND_TIMEOUT);
            inRecovery[0] = result.exitCode() == 0 ? result.stdout().strip() : result.stderr().strip();
            return inRecovery[0].equals("f");
        });
        if (!promoted) {
            fail("server still in recovery after " + timeout + " (pg_is_in_recovery = " + inRecovery[0] + ")"
                    + "\n--- server log ---\n" + logTail());
        }
    }

    /** Something {@link #poll} checks. */
    interface Probe {
        boolean holds() throws IOException;
    }

    /** Checks {@code probe} every 100 ms until it holds (true) or {@code timeout} has passed (false). */
    static boolean poll(Duration timeout, Probe probe) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!probe.holds()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            pause();
        }
        return true;
    }

    void stop() throws IOException {
        pg(List.of(bin("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60"),
                COMMAND_TIMEOUT);
        started = false;
    }

    /** Runs SQL in one session (statements are sent one by one, as a script) and returns its output rows. */
    String psql(String sql) throws IOException {
        return psql(sql, COMMAND_TIMEOUT);
    }

    String psql(String sql, Duration timeout) throws IOException {
        Proc.Result result = tryPsql(sql, timeout);
        if (result.exitCode() != 0) {
            fail("psql failed for <" + sql + ">: " + result.describe() + "\n--- server log ---\n" + logTail());
        }
        return result.stdout().strip();
    }

    /**
     * Writes some rows (a switch right after another one would be a no-op), closes the current segment and
     * returns its name.
     */
    String switchWal() throws IOException {
        String current = psql("""
                create table if not exists walship_it_rows (id bigserial primary key, payload text);
                insert into walship_it_rows (payload) select md5(g::text) from generate_series(1, 500) g;
                select pg_walfile_name(pg_current_wal_lsn());
                """);
        psql("select pg_switch_wal();");
        return current;
    }

    /** Waits until PostgreSQL reports {@code walName} (a segment, .history, .backup or .partial) as archived. */
    void waitArchived(String walName, Duration timeout) throws IOException {
        Path status = dataDir.resolve("pg_wal/archive_status");
        long deadline = System.nanoTime() + timeout.toNanos();
        String archiver = "";
        while (System.nanoTime() < deadline) {
            archiver = psql("select coalesce(last_archived_wal, '') || ' ' || failed_count || ' '"
                    + " || coalesce(last_failed_wal, '') from pg_stat_archiver;");
            boolean ready = Files.exists(status.resolve(walName + ".ready"));
            boolean done = Files.exists(status.resolve(walName + ".done"))
                    || archiver.split(" ")[0].equals(walName)
                    // a WAL file is only ever removed or recycled after it has been archived
                    || !Files.exists(dataDir.resolve("pg_wal").resolve(walName));
            if (!ready && done) {
                return;
            }
            pause();
        }
        fail(walName + " was not archived within " + timeout + "; pg_stat_archiver (last_archived_wal failed_count"
                + " last_failed_wal): " + archiver + "\n--- server log ---\n" + logTail());
    }

    /** Waits until no WAL file is waiting for the archive_command. */
    void waitAllArchived(Duration timeout) throws IOException {
        Path status = dataDir.resolve("pg_wal/archive_status");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> pending = List.of();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(status)) {
                pending = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ready")).toList();
            }
            if (pending.isEmpty()) {
                return;
            }
            pause();
        }
        fail("WAL files still waiting to be archived after " + timeout + ": " + pending
                + "\n--- server log ---\n" + logTail());
    }

    /** {@code pg_resetwal OPTIONS DATADIR} on the stopped server, e.g. {@code --wal-segsize=1}. */
    Proc.Result resetWal(String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(bin("pg_resetwal")));
        command.addAll(List.of(options));
        command.add(dataDir.toString());
        return pg(command, COMMAND_TIMEOUT);
    }

    /** Read with pg_controldata, so it works whether or not the server runs. */
    String systemIdentifier() throws IOException {
        return controlData("Database system identifier");
    }

    /** Like {@link #psql(String, Duration)}, leaving a failure (say, a server not accepting connections yet) to the caller. */
    Proc.Result tryPsql(String sql, Duration timeout) throws IOException {
        return Proc.run(RunAs.postgres(List.of(bin("psql"), "-X", "-q", "-A", "-t",
                        "-v", "ON_ERROR_STOP=1", "-h", base.toString(), "-p", Integer.toString(port),
                        "-U", "postgres", "-d", "postgres")),
                base, sql, timeout);
    }

    /** The whole server log (empty before the first start). */
    String serverLog() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** One field of pg_controldata's output, e.g. {@code Latest checkpoint's TimeLineID}; works with the server down. */
    String controlData(String field) throws IOException {
        Proc.Result result = pg(List.of(bin("pg_controldata"), "-D", dataDir.toString()), COMMAND_TIMEOUT);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field) + ":\\s+(.*)$").matcher(result.stdout());
        if (!m.find()) {
            fail("no '" + field + "' in pg_controldata output: " + result.describe());
        }
        return m.group(1).strip();
    }

    /** The last lines of the server log, for failure messages. */
    String logTail() {
        try {
            if (!Files.exists(log)) {
                return "(no server log at " + log + ")";
            }
            return Tail.of(Files.readString(log), 80);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server log " + log, e);
        }
    }

    /**
     * Ends the current timeline the way a failover does: archive recovery that finds nothing more to restore
     * picks timeline N+1, writes and archives its .history file and archives the old timeline's last,
     * incomplete segment as .partial.
     */
    void promoteToNewTimeline() throws IOException {
        stop();
        configure(Map.of("restore_command", "false"));
        Path signal = Files.createFile(dataDir.resolve("recovery.signal"));
        RunAs.giveToPostgres(signal);
        start();
        waitOutOfRecovery(Duration.ofSeconds(60));
    }

    /** Stops the server without a checkpoint (its data is thrown away anyway) and deletes everything. */
    @Override
    public void close() throws IOException {
        try {
            // pg_ctl status exits 0 only while a server runs on this data directory
            if (started && running()) {
                pg(List.of(bin("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "60"),
                        COMMAND_TIMEOUT);
            }
            started = false;
        } finally {
            RunAs.deleteTree(base);
        }
    }

    private Proc.Result pg(List<String> command, Duration timeout) throws IOException {
        return pgUnchecked(command, timeout).assertSuccess("running " + command.getFirst());
    }

    private Proc.Result pgUnchecked(List<String> command, Duration timeout) throws IOException {
        return Proc.run(RunAs.postgres(new ArrayList<>(command)), base, null, timeout);
    }

    private static String bin(String name) {
        return BIN.resolve(name).toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while polling PostgreSQL", e);
        }
    }
}
