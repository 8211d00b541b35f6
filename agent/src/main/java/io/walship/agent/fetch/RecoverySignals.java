package io.walship.agent.fetch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether a data directory is still in archive recovery, as PostgreSQL says it: its {@code recovery.signal} or
 * {@code standby.signal}, which it removes when recovery ends (at promotion). The read-ahead then stops at once and
 * empties its spool instead of waiting to notice that no more requests come.
 */
final class RecoverySignals {

    private static final List<String> SIGNALS = List.of("recovery.signal", "standby.signal");

    private RecoverySignals() {
    }

    /**
     * Says, once both signal files of {@code pgdata} are gone, that recovery ended; says nothing ever when neither is
     * there to begin with (a restore_command run outside recovery, as pg_rewind runs it).
     */
    static Supplier<Optional<String>> watch(Path pgdata) {
        if (!signalled(pgdata)) {
            return Optional::empty;
        }
        return () -> signalled(pgdata) ? Optional.empty()
                : Optional.of("recovery ended: " + String.join(" and ", SIGNALS) + " are gone from " + pgdata);
    }

    private static boolean signalled(Path pgdata) {
        return SIGNALS.stream().anyMatch(signal -> Files.exists(pgdata.resolve(signal)));
    }
}
