package io.walship.agent.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConnInfoTest {

    @Test
    void keyValuePairsWithQuotesAndEscapes() {
        ConnInfo info = ConnInfo.parse("  host=/var/run/postgresql port = 5433 user='post gres' dbname=a\\ b ");

        assertEquals(Map.of("host", "/var/run/postgresql", "port", "5433", "user", "post gres", "dbname", "a b"),
                info.values());
        assertEquals("jdbc:postgresql://localhost:5433/a b", info.url());
        assertEquals("/var/run/postgresql/.s.PGSQL.5433", info.where());
    }

    @Test
    void aSocketDirectoryGoesThroughJunixsocket() {
        Properties properties = ConnInfo.local(Path.of("/run/postgresql"), 5432).properties("walship check");

        assertEquals("org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg", properties.getProperty("socketFactory"));
        assertEquals("/run/postgresql/.s.PGSQL.5432", properties.getProperty("socketFactoryArg"));
        assertEquals(System.getProperty("user.name"), properties.getProperty("user"));
        assertEquals("walship check", properties.getProperty("ApplicationName"));
    }

    @Test
    void aHostNameIsTcp() {
        ConnInfo info = ConnInfo.parse("host=db.example.com user=walship");

        assertEquals("jdbc:postgresql://db.example.com:5432/postgres", info.url());
        assertEquals(Optional.empty(), info.socketDirectory());
        assertEquals(null, info.properties("x").getProperty("socketFactory"));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("hots=x")).getMessage()
                .startsWith("unknown key 'hots'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("host")).getMessage()
                .contains("is not key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConnInfo.parse("user='x")).getMessage()
                .contains("closing quote"));
    }

    @Test
    void postmasterPidNamesPortAndSocket() throws IOException {
        PostmasterPid pid = PostmasterPid.parse(List.of("4242", "/var/lib/postgresql/15/main", "1764590000", "5433",
                "/var/run/postgresql", "localhost", "  1234567   2", "ready   "));

        assertEquals(new PostmasterPid(4242, 5433, Optional.of(Path.of("/var/run/postgresql"))), pid);
        assertEquals("/var/run/postgresql/.s.PGSQL.5433", pid.connInfo().where());
        assertEquals("localhost:5433", PostmasterPid.parse(List.of("1", "/d", "0", "5433", "", "*")).connInfo().where());
        assertThrows(IOException.class, () -> PostmasterPid.parse(List.of("1")));
    }
}
