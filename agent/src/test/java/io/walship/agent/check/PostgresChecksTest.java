package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CheckItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresChecksTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path pgdata;

    @Test
    void aReadyFileOlderThanFiveMinutesIsAWarning() throws IOException {
        ready("000000010000000000000003", NOW.minus(Duration.ofMinutes(1)));
        ready("000000010000000000000002", NOW.minus(PostgresChecks.STALE_READY).minusSeconds(1));

        CheckItem item = new PostgresChecks(null, NOW).readyBacklog(Optional.of(pgdata));

        assertEquals(CheckItem.warning("ready backlog", "2 WAL files waiting, the oldest for 301 s; archiving does "
                + "not keep up or is stuck: see archiver failures and walship status"), item);
    }

    @Test
    void aReadyFileYoungerThanFiveMinutesIsNoProblem() throws IOException {
        ready("000000010000000000000002", NOW.minus(PostgresChecks.STALE_READY).plusSeconds(1));

        CheckItem item = new PostgresChecks(null, NOW).readyBacklog(Optional.of(pgdata));

        assertEquals(CheckItem.ok("ready backlog", "1 WAL file waiting, the oldest for 299 s"), item);
    }

    private void ready(String segment, Instant marked) throws IOException {
        Path status = Files.createDirectories(pgdata.resolve("pg_wal").resolve("archive_status"));
        Files.setLastModifiedTime(Files.createFile(status.resolve(segment + ".ready")), FileTime.from(marked));
    }

    @ParameterizedTest
    @ValueSource(strings = {"walship push %p %f", "/usr/bin/walship push %p %f",
        "'/opt/walship/bin/walship' push --config '/etc/walship/pg.conf' %p %f",
        "/usr/bin/walship push --config=/etc/walship/pg.conf \"%p\" \"%f\"", "walship push %p %f; true"})
    void archiveCommandsThatCallWalshipPush(String command) {
        assertTrue(PostgresChecks.callsWalshipPush(command), command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "false", "cp %p /archive/%f", "walship push %f %p", "walship fetch %f %p",
        "notwalship push %p %f", "walship push %p", "walship-push %p %f"})
    void archiveCommandsThatDoNot(String command) {
        assertFalse(PostgresChecks.callsWalshipPush(command), command);
    }
}
