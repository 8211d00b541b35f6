package io.walship.agent.push;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ConfigOption;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.spool.LastFailure;
import io.walship.agent.spool.ShippedRecords;
import io.walship.config.ConfigException;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code walship push %p %f}: archive_command. Exits 0 only when the receiver durably stored the file. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Archives one WAL file (PostgreSQL's archive_command).", "",
            "Sends PATH to the walship receiver, which stores it as NAME for the configured Barman server. "
                + "Exits 0 only once the receiver has the file durably stored (or already had an identical copy).",
            "", "Run by PostgreSQL in its data directory, the launcher answers first from the record of the "
                + "read-ahead agent (walship agent), which it starts when none runs (start_agent = yes, the "
                + "default; log: <spool_directory>/<server>/agent.log); only a file the agent has not shipped is "
                + "sent by push itself."},
        footer = {"", "postgresql.conf:", "  archive_mode = on", "  archive_command = 'walship push %%p %%f'", "",
            "Exit codes: 0 archived, 1 unexpected failure, 2 usage or configuration error, 3 receiver unreachable, "
                + "4 TLS or certificate failure, 5 rejected (bad name, size or header, not authorized, other "
                + "cluster), 6 conflict (a different file is archived under NAME), 7 receiver-side error. "
                + "Every failure prints one line on stderr; PostgreSQL keeps the file and retries."})
public final class PushCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Parameters(index = "0", paramLabel = "PATH", description = "The file to archive (%%p, relative to the data directory).")
    Path path;

    @Parameters(index = "1", paramLabel = "NAME", description = "Its WAL file name (%%f).")
    String name;

    /** Once loaded: where a failure is recorded for walship status. */
    private AgentConfig loaded;

    @Override
    public Integer call() {
        try {
            Reply reply = push();
            if (!reply.code().isArchived()) {
                return fail(ExitCodes.of(reply.code()), "receiver refused " + name + ": " + reply.message());
            }
            return ExitCodes.OK;
        } catch (PushFailure e) {
            return fail(e.exitCode(), e.getMessage());
        }
    }

    private static final Reply SHIPPED_AHEAD = new Reply(ReplyCode.ALREADY_STORED, "shipped ahead by the agent");

    private Reply push() throws PushFailure {
        try {
            WalFileName.parse(name);
        } catch (IllegalArgumentException e) {
            throw new PushFailure(ExitCodes.REJECTED, e.getMessage() + "; archive_command must pass %f as NAME");
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new PushFailure(ExitCodes.USAGE, "cannot read " + path + ": " + e.getMessage()
                    + "; PATH must be the WAL file PostgreSQL passes as %p");
        }
        if (!attributes.isRegularFile()) {
            throw new PushFailure(ExitCodes.USAGE, path + " is not a regular file; PATH must be the WAL file "
                    + "PostgreSQL passes as %p");
        }
        AgentConfig agent;
        try {
            agent = config.load();
        } catch (ConfigException e) {
            throw new PushFailure(ExitCodes.USAGE, e.getMessage());
        }
        loaded = agent;
        if (shippedAhead(agent, attributes)) {
            return SHIPPED_AHEAD;
        }
        Put put = new Put(agent.server(), name, attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        // Said before any connection: the upload itself opens the file once the receiver said what it takes.
        try (FileChannel readable = FileChannel.open(path, StandardOpenOption.READ)) {
            readable.size();
        } catch (IOException e) {
            throw new PushFailure(ExitCodes.FAILURE, "cannot read " + path + ": " + e.getMessage());
        }
        try (ReceiverClient client = new ReceiverClient(agent)) {
            return client.run(new PushExchange(agent, put, path));
        } catch (ReceiverFailure e) {
            throw new PushFailure(ExitCodes.of(e.kind()), e.getMessage());
        }
    }

    /** The agent's record of this very file (name, size, time), written after the receiver's acknowledgement. */
    private boolean shippedAhead(AgentConfig agent, BasicFileAttributes attributes) {
        try {
            return new ShippedRecords(agent.spool()).matches(name, attributes);
        } catch (IOException e) {
            System.err.println("walship push: cannot read the agent's record of " + name + " (" + e.getMessage()
                    + "); sending the file");
            return false;
        }
    }

    private int fail(int code, String message) {
        System.err.println("walship push: " + message.replace('\n', ' '));
        if (loaded != null) {
            try {
                new LastFailure(loaded.spool()).record(name, message, Instant.now());
            } catch (IOException e) {
                // The line above is what counts: PostgreSQL logs it. A spool it cannot write costs status its "why".
            }
        }
        return code;
    }
}
