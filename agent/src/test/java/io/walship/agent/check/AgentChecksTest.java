package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.SpoolAccess;
import io.walship.protocol.CheckItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What walship check says of an agent that does not run: what the next push does about it. */
class AgentChecksTest {

    @TempDir
    Path dir;

    @BeforeEach
    void credentials() throws Exception {
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(dir.resolve(file), "placeholder: only readability is checked when loading\n");
        }
    }

    @Test
    void byDefaultPushStartsTheAgent() throws Exception {
        assertEquals(CheckItem.ok("agent", "not running; walship push starts it (start_agent = yes)"),
                check("spool_directory = spool\n"));
    }

    @Test
    void withoutStartAgentOrWithoutWaitingEachPushSendsItsOwnFile() throws Exception {
        assertEquals(CheckItem.ok("agent", "not running; each walship push sends its own file (start_agent = no)"),
                check("spool_directory = spool\nstart_agent = no\n"));
        assertEquals(CheckItem.ok("agent", "not running; each walship push sends its own file (agent_wait = 0)"),
                check("spool_directory = spool\nagent_wait = 0\n"));
    }

    @Test
    void aSpoolPushCannotWriteIsAWarningThatSaysWhatToDo() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path config = config("spool_directory = " + file.resolve("spool") + "\n");
        AgentConfig agent = AgentConfig.load(config);

        CheckItem item = new AgentChecks(agent, Instant.now()).run();

        assertEquals(CheckItem.warning("agent", "not running, and walship push cannot start it: "
                + SpoolAccess.describe(agent.spool(), config) + " (or set start_agent = no); each push sends its own "
                + "file meanwhile"), item);
    }

    private CheckItem check(String extra) throws Exception {
        return new AgentChecks(AgentConfig.load(config(extra)), Instant.now()).run();
    }

    private Path config(String extra) throws Exception {
        return Files.writeString(dir.resolve("walship.conf"), """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                """ + extra);
    }
}
