package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.SpoolAccess;
import io.walship.protocol.CheckItem;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The read-ahead agent: whether it runs for this server, and whether a failing file holds it back. */
final class AgentChecks {

    static final String NAME = "agent";

    private final AgentConfig config;
    private final Instant now;

    AgentChecks(AgentConfig config, Instant now) {
        this.config = config;
        this.now = now;
    }

    CheckItem run() {
        Optional<AgentPresence.Seen> seen;
        try {
            seen = new AgentPresence(config.spool()).look();
        } catch (IOException e) {
            return CheckItem.failed(NAME, "cannot read " + config.spool().dir() + " (" + e.getMessage() + "); run "
                    + "walship check as the user PostgreSQL runs as, or fix spool_directory");
        }
        if (seen.isEmpty()) {
            return notRunning();
        }
        AgentPresence.Seen agent = seen.get();
        if (agent.heldBy().isPresent()) {
            long minutes = Duration.between(agent.heldSince().orElse(now), now).toMinutes();
            return CheckItem.failed(NAME, "running (pid " + agent.pid() + ") but held back by " + agent.heldBy().get()
                    + " for " + minutes + " min: " + agent.why() + "; it retries that file and ships nothing after "
                    + "it until it is stored");
        }
        return CheckItem.ok(NAME, "running (pid " + agent.pid() + (agent.onDemand() ? ", started by walship push" : "")
                + ") for " + agent.pgdata());
    }

    /** What the next push does without an agent: start one, fail to, or send its file itself as configured. */
    private CheckItem notRunning() {
        if (!config.startAgent()) {
            return CheckItem.ok(NAME, "not running; each walship push sends its own file (start_agent = no)");
        }
        if (!config.pushStartsAgent()) {
            return CheckItem.ok(NAME, "not running; each walship push sends its own file (agent_wait = 0)");
        }
        return SpoolAccess.problem(config.spool(), config.file())
                .map(problem -> CheckItem.warning(NAME, "not running, and walship push cannot start it: " + problem
                        + " (or set start_agent = no); each push sends its own file meanwhile"))
                .orElseGet(() -> CheckItem.ok(NAME, "not running; walship push starts it (start_agent = yes)"));
    }
}
