package io.walship.agent.fetch;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ConfigOption;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.config.ConfigException;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code walship fetch %f %p}: restore_command, with exit codes that never end recovery on a broken archive. */
@Command(name = "fetch", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = FetchCommand.UNAVAILABLE,
        exitCodeOnExecutionException = FetchCommand.UNAVAILABLE,
        description = {"Restores one WAL file from the archive (PostgreSQL's restore_command).", "",
            "Asks the walship receiver for NAME, verifies it (transfer checksum; for segments the WAL page header "
                + "against the name and size) and writes it to PATH atomically. Segments that recovery will ask "
                + "for next are read ahead in the background into the spool directory (settings prefetch and "
                + "spool_directory in [agent]); while that read-ahead runs, the launcher restores from it without "
                + "starting Java, and asks it for anything else."},
        footer = {"", "postgresql.conf:", "  restore_command = 'walship fetch %%f %%p'", "",
            "Exit codes: 0 the verified file is at PATH; 1 the archive does not have NAME (the normal end of "
                + "recovery), or the receiver cannot be reached on a standby (standby.signal), which then keeps "
                + "streaming; 150 the archived file is damaged or fails verification; 151 the archive cannot be "
                + "reached or refuses (receiver down, TLS, authorization, configuration) outside standby mode, "
                + "and for a mistake on the command line or an unexpected failure. "
                + "Codes above 125 make PostgreSQL stop recovery instead of ending it early on an incomplete "
                + "archive."})
public final class FetchCommand implements Callable<Integer> {

    public static final int RESTORED = 0;
    public static final int NOT_IN_ARCHIVE = 1;
    public static final int DAMAGED = 150;
    public static final int UNAVAILABLE = 151;

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file to restore (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "Where PostgreSQL wants it (%%p).")
    Path path;

    @Override
    public Integer call() {
        boolean standby = Files.exists(Path.of("standby.signal"));
        WalFileName wal;
        try {
            wal = WalFileName.parse(name);
        } catch (IllegalArgumentException e) {
            return unavailable(standby, e.getMessage() + "; restore_command must pass %f as NAME");
        }
        AgentConfig agent;
        try {
            agent = config.load();
        } catch (ConfigException e) {
            return unavailable(standby, e.getMessage());
        }
        ReadAheadSpool spool = spoolFor(agent, wal);
        try {
            if (spool != null) {
                boolean spooled = spool.takeOrAwait(wal, path);
                // Either way, move the read-ahead window past this segment before anything else.
                keepReadingAhead(spool, agent, wal, 0);
                if (spooled) {
                    return RESTORED;
                }
            }
            FetchResult result;
            try (ReceiverClient client = new ReceiverClient(agent)) {
                result = new Fetcher(client, agent.server(), agent.fetchCompression()).fetch(wal, path);
            }
            return switch (result.status()) {
                case FETCHED -> {
                    if (spool != null) {
                        keepReadingAhead(spool, agent, wal, result.segmentSize());
                    }
                    yield RESTORED;
                }
                case NOT_FOUND -> NOT_IN_ARCHIVE;
                case REFUSED -> unavailable(standby, "receiver refused " + name + ": " + result.message());
                case DAMAGED -> fail(DAMAGED, result.message() + "; recovery stops here rather than end early");
            };
        } catch (ReceiverFailure e) {
            return unavailable(standby, e.getMessage());
        } catch (IOException e) {
            return unavailable(standby, "cannot write " + path + ": " + e.getMessage());
        }
    }

    /** Read-ahead only for segments, and only when the spool directory is usable. */
    private static ReadAheadSpool spoolFor(AgentConfig agent, WalFileName wal) {
        if (agent.prefetch() == 0 || wal.kind() != WalFileName.Kind.SEGMENT) {
            return null;
        }
        try {
            Files.createDirectories(agent.spool().dir());
            return new ReadAheadSpool(agent.spool());
        } catch (IOException e) {
            System.err.println("walship fetch: read-ahead is off: cannot create " + agent.spool().dir() + " ("
                    + e.getMessage() + "); set spool_directory in " + agent.file());
            return null;
        }
    }

    /**
     * Read-ahead is an optimisation: its failure must not fail the restore. A segment taken from the spool
     * ({@code segmentSize} 0) keeps the segment size the read-ahead already knows.
     */
    private static void keepReadingAhead(ReadAheadSpool spool, AgentConfig agent, WalFileName wal, long segmentSize) {
        try {
            spool.moveTo(wal, segmentSize);
            PrefetchLauncher.ensureRunning(spool.layout(), agent.file());
        } catch (IOException e) {
            System.err.println("walship fetch: read-ahead could not start: " + e.getMessage());
        }
    }

    /** Unreachable on a standby means "not now": it goes on streaming. Anywhere else recovery must stop. */
    private static int unavailable(boolean standby, String message) {
        return fail(standby ? NOT_IN_ARCHIVE : UNAVAILABLE, message);
    }

    private static int fail(int code, String message) {
        System.err.println("walship fetch: " + message.replace('\n', ' '));
        return code;
    }
}
