package io.walship.agent.fetch;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.cli.ServiceSignals;
import io.walship.cli.VersionProvider;
import io.walship.config.ConfigException;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The background read-ahead that {@code walship fetch} starts; not meant to be typed. */
@Command(name = "prefetch", hidden = true, mixinStandardHelpOptions = true,
        description = {"Reads segments ahead for walship fetch.", "",
            "walship fetch starts it in the background (log: <spool_directory>/<server>/prefetch.log); it keeps "
                + "the next 'prefetch' segments in the spool directory, answers the fetches that find nothing "
                + "there with its own connections, and exits, emptying the spool, 5 s after the recovering data "
                + "directory's recovery.signal and standby.signal are gone, or 30 s after recovery stops asking. "
                + "SIGHUP is logged and ignored."})
public final class PrefetchCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(PrefetchCommand.class.getName());

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
            description = "Agent configuration.")
    Path config;

    @Option(names = "--pgdata", paramLabel = "DIR",
            description = "The recovering data directory: its backup_label says where to start reading ahead.")
    Path pgdata;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AgentConfig agent;
        try {
            agent = AgentConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("walship prefetch: " + e.getMessage());
            return 2;
        }
        try (FileChannel channel = PrefetchLauncher.openLock(agent.spool());
                FileLock lock = channel.tryLock();
                ReceiverClient client = new ReceiverClient(agent, Prefetcher.PARALLEL, true)) {
            if (lock == null) {
                return 0;
            }
            ReadAheadSpool spool = new ReadAheadSpool(agent.spool());
            Optional<WalFileName> first = startOfRecovery();
            if (first.isPresent() && spool.startAt(first.get())) {
                LOG.info("recovery of the base backup in " + pgdata + " starts at " + first.get().name()
                        + " (its " + BackupLabel.FILE + "): reading ahead from there");
            }
            Fetcher fetcher = new Fetcher(client, agent.server(), agent.fetchCompression());
            Prefetcher prefetcher = new Prefetcher(spool, fetcher, agent.prefetch(),
                    pgdata == null ? Optional::empty : RecoverySignals.watch(pgdata));
            ServiceSignals.onStop(signal -> {
                LOG.info("stopping on " + signal);
                prefetcher.stop(signal);
            });
            ServiceSignals.onHangup(() -> LOG.info("SIGHUP ignored: the read-ahead reads " + agent.file()
                    + " only at start, and the next walship fetch after it exits starts one that reads it again"));
            LOG.info("walship prefetch " + VersionProvider.version() + ", pid " + ProcessHandle.current().pid()
                    + ": reading up to " + agent.prefetch() + " segments ahead of recovery from "
                    + agent.receiverText() + " for server '" + agent.server() + "' into " + agent.spool().dir()
                    + "; configuration " + agent.file());
            try (FetchRequests requests = new FetchRequests(spool, fetcher, prefetcher::asked)) {
                requests.open();
                LOG.info("stopped: " + prefetcher.run());
            }
        } catch (ReceiverFailure e) {
            System.err.println("walship prefetch: " + e.getMessage());
            return 2;
        }
        return 0;
    }

    /** Where a base backup's recovery starts, when this read-ahead was started for one that is just starting. */
    private Optional<WalFileName> startOfRecovery() {
        if (pgdata == null) {
            return Optional.empty();
        }
        try {
            return BackupLabel.startSegment(Files.readString(pgdata.resolve(BackupLabel.FILE)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("cannot read " + pgdata.resolve(BackupLabel.FILE) + " (" + e.getMessage()
                    + "); reading ahead from recovery's first request");
            return Optional.empty();
        }
    }
}
