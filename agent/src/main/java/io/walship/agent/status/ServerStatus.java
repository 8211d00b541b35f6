package io.walship.agent.status;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where one server's archiving stands, as {@code walship status} shows it; null fields were not known. Field names
 * are the JSON keys, in snake case.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServerStatus(String server, String receiver, String lastArchivedWal, String lastArchivedTime,
        Long lagBytes, Long lagSegments, Long lagSeconds, Integer readyCount, Agent agent, Failure lastFailure,
        String currentWalLsn, String postgresql, String problem) {

    /**
     * The read-ahead agent: running or not, whether walship push started it (null when it does not run), whether
     * push starts one when none runs (start_agent, unless agent_wait = 0), and what holds it back.
     */
    public record Agent(boolean running, Long pid, Boolean startedByPush, boolean startAgent, String heldBy,
            String heldReason, String heldSince) {
    }

    /** The last failed archive_command, and why when walship push recorded it. */
    public record Failure(String wal, String time, String message, boolean resolved) {
    }
}
