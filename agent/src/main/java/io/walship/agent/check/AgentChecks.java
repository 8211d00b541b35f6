package io.walship.agent.check;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.AgentPresence;
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
            return CheckItem.ok(NAME, "not running; " + (config.startAgent() ? "walship push starts it (start_agent "
                    + "= yes)" : "each walship push sends its own file (start 'walship agent' for throughput)"));
        }
        AgentPresence.Seen agent = seen.get();
        if (agent.heldBy().isPresent()) {
            long minutes = Duration.between(agent.heldSince().orElse(now), now).toMinutes();
            return CheckItem.failed(NAME, "running (pid " + agent.pid() + ") but held back by " + agent.heldBy().get()
                    + " for " + minutes + " min: " + agent.why() + "; it retries that file and ships nothing after "
                    + "it until it is stored");
        }
        return CheckItem.ok(NAME, "running (pid " + agent.pid() + ") for " + agent.pgdata());
    }
}
