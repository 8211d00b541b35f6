package io.walship.agent.daemon;

import io.walship.agent.spool.AgentPresence;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The spool's agent lock, which lets one agent ship for a server. An agent that walship push started takes it only
 * when it is free. One started by hand or by systemd also takes it from such an agent, which it asks to stop
 * (SIGTERM): a service that starts after PostgreSQL's first push, or restarts, must not find itself locked out by
 * the agent that push started meanwhile. From another agent started by hand it takes nothing.
 */
final class AgentLock {

    private static final Logger LOG = Logger.getLogger(AgentLock.class.getName());
    /** The agent asked to stop first answers the uploads under way, each bounded by the receiver's timeouts. */
    private static final Duration TAKEOVER = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);

    private AgentLock() {
    }

    /** The lock of {@code channel}, or empty when another agent keeps it. */
    static Optional<FileLock> take(FileChannel channel, AgentPresence presence, boolean onDemand)
            throws IOException, InterruptedException {
        FileLock lock = channel.tryLock();
        if (lock != null || onDemand) {
            return Optional.ofNullable(lock);
        }
        long deadline = System.nanoTime() + TAKEOVER.toNanos();
        long asked = 0;
        while (System.nanoTime() - deadline < 0) {
            // None while the holder has not announced itself yet (agent.pid is absent, or names an agent that died):
            // it does so right after it took the lock.
            Optional<AgentPresence.Seen> holder = presence.look()
                    .filter(seen -> seen.pid() != 0 && ProcessHandle.of(seen.pid()).isPresent());
            if (holder.isPresent()) {
                AgentPresence.Seen seen = holder.get();
                if (!seen.onDemand()) {
                    return Optional.empty();
                }
                if (seen.pid() != asked) {
                    LOG.info("the agent walship push started (pid " + seen.pid() + ") ships for this server; "
                            + "asking it to stop, to take over");
                    ProcessHandle.of(seen.pid()).ifPresent(ProcessHandle::destroy);
                    asked = seen.pid();
                }
            }
            Thread.sleep(POLL);
            lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(lock);
            }
        }
        return Optional.empty();
    }
}
