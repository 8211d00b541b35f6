package io.walship.agent.status;

import java.util.Locale;

/** A {@link ServerStatus} as lines in the manner of {@code barman status}. */
final class StatusText {

    private StatusText() {
    }

    static String of(ServerStatus s) {
        StringBuilder out = new StringBuilder("Server " + s.server() + ":" + System.lineSeparator());
        line(out, "receiver", s.receiver());
        line(out, "last archived", s.lastArchivedWal() == null ? "nothing yet"
                : s.lastArchivedWal() + " at " + s.lastArchivedTime());
        line(out, "archive lag", s.lagSegments() == null ? "unknown"
                : s.lagSegments() + " segment" + (s.lagSegments() == 1 ? "" : "s") + " waiting, " + mib(s.lagBytes())
                        + " of WAL since the last archived segment" + (s.lagSeconds() == null || s.lagSegments() == 0
                        ? "" : ", the oldest waiting for " + s.lagSeconds() + " s"));
        line(out, "ready", s.readyCount() == null ? "unknown (pass --pgdata)" : s.readyCount() + " WAL file"
                + (s.readyCount() == 1 ? "" : "s") + " waiting for archive_command");
        line(out, "agent", agent(s.agent()));
        ServerStatus.Failure failure = s.lastFailure();
        line(out, "last failure", failure == null ? "none" : failure.wal() + " at " + failure.time() + ": "
                + failure.message() + (failure.resolved() ? " (archived again since)" : ""));
        line(out, "PostgreSQL", s.postgresql() == null ? "not reached" : s.postgresql()
                + (s.currentWalLsn() == null ? "" : ", current WAL position " + s.currentWalLsn()));
        if (s.problem() != null) {
            line(out, "problem", s.problem());
        }
        return out.toString();
    }

    private static String agent(ServerStatus.Agent agent) {
        if (agent == null) {
            return "unknown (the spool cannot be read)";
        }
        if (!agent.running()) {
            return "not running; " + (agent.startAgent() ? "walship push starts it" : "each walship push sends its own file");
        }
        return "running (pid " + agent.pid() + (Boolean.TRUE.equals(agent.startedByPush()) ? ", started by walship push"
                : "") + ")" + (agent.heldBy() == null ? ", shipping"
                : ", held back by " + agent.heldBy() + " since " + agent.heldSince() + ": " + agent.heldReason());
    }

    private static String mib(Long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append('\t').append(name).append(": ").append(value).append(System.lineSeparator());
    }
}
