package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PostgresChecksTest {

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
