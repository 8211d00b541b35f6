package io.walship.agent.daemon;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.config.ConfigOption;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.spool.AgentPresence;
import io.walship.agent.spool.BackgroundProcess;
import io.walship.agent.spool.ShippedRecords;
import io.walship.agent.spool.SpoolAccess;
import io.walship.agent.spool.SpoolLayout;
import io.walship.cli.ServiceSignals;
import io.walship.cli.VersionProvider;
import io.walship.config.ConfigException;
import io.walship.metrics.MetricsEndpoint;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walship agent}: the long-running read-ahead shipper beside PostgreSQL. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Ships WAL ahead of PostgreSQL's archiver (long-running).", "",
            "Watches <pgdata>/pg_wal/archive_status for files marked .ready, uploads them oldest first over warm "
                + "connections (push_concurrency at a time) and records each acknowledgement durably in "
                + "<spool_directory>/<server>/shipped. walship push then answers for a shipped file from that "
                + "record in milliseconds; without a running agent it ships the file itself. The agent never "
                + "ships past a file that fails: it retries that one and holds back what follows.",
            "", "walship push starts it in the background when none runs (start_agent = yes, the default; log: "
                + "<spool_directory>/<server>/agent.log), and that agent stops once PostgreSQL has stopped. Run by "
                + "hand or by systemd, it runs in the foreground, logging to stderr, until it is stopped, and takes "
                + "over from an agent that walship push started."},
        footer = {"", "systemd: the package's walship-agent@.service runs one per cluster, named like "
                + "postgresql@.service (walship-agent@15-main ships /var/lib/postgresql/15/main):",
            "  systemctl enable --now walship-agent@15-main", "  [Service]", "  User=postgres",
            "  ExecStart=/opt/walship/bin/walship agent --config /etc/walship/walship.conf \\",
            "      --pgdata /var/lib/postgresql/%%I", "  Restart=always", "",
            "SIGTERM and SIGINT stop it once the uploads under way are answered; SIGHUP is logged and ignored "
                + "(restart it to apply a changed configuration)."})
public final class AgentCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(AgentCommand.class.getName());

    @Mixin
    ConfigOption config;

    @Option(names = {"-D", "--pgdata"}, paramLabel = "DIR", required = true,
            description = "PostgreSQL's data directory.")
    Path pgdata;

    @Option(names = AgentPresence.ON_DEMAND,
            description = "As walship push starts it: stop once the PostgreSQL server of --pgdata has stopped, "
                    + "leave the server to an agent that already ships for it (exit 0), and give way to one started "
                    + "by hand or by systemd.")
    boolean onDemand;

    @Override
    public Integer call() throws IOException, InterruptedException {
        AgentConfig agent;
        try {
            agent = config.load();
        } catch (ConfigException e) {
            System.err.println("walship agent: " + e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(pgdata.resolve("pg_wal").resolve("archive_status"))) {
            System.err.println("walship agent: " + pgdata + " has no pg_wal/archive_status; --pgdata must be "
                    + "PostgreSQL's data directory");
            return 2;
        }
        SpoolLayout spool = agent.spool();
        Optional<String> unwritable = SpoolAccess.problem(spool, agent.file());
        if (unwritable.isPresent()) {
            System.err.println("walship agent: " + unwritable.get());
            return 2;
        }
        AgentPresence presence = new AgentPresence(spool);
        try (FileChannel channel = BackgroundProcess.openLock(spool.agentLock())) {
            Optional<FileLock> lock = AgentLock.take(channel, presence, onDemand);
            if (lock.isEmpty()) {
                if (onDemand) {
                    LOG.info("another agent already ships for server '" + agent.server() + "' (it holds "
                            + spool.agentLock() + "); this one is not needed");
                    return 0;
                }
                System.err.println("walship agent: another agent already ships for server '" + agent.server()
                        + "' (it holds " + spool.agentLock() + ")");
                return 2;
            }
            try (FileLock held = lock.get();
                    ReceiverClient client = new ReceiverClient(agent, agent.pushConcurrency())) {
                return ship(agent, presence, client);
            }
        } catch (ReceiverFailure e) {
            System.err.println("walship agent: " + e.getMessage());
            return 2;
        }
    }

    private int ship(AgentConfig agent, AgentPresence presence, ReceiverClient client)
            throws IOException, InterruptedException {
        SpoolLayout spool = agent.spool();
        ShippingAgent shipping = new ShippingAgent(agent, pgdata, new ShippedRecords(spool), client, presence);
        Optional<MetricsEndpoint> endpoint;
        try {
            endpoint = agent.metricsListen().isPresent()
                    ? Optional.of(MetricsEndpoint.start(agent.metricsListen().get(), shipping.metrics().registry()))
                    : Optional.empty();
        } catch (IOException e) {
            System.err.println("walship agent: " + e.getMessage());
            return 2;
        }
        CountDownLatch finished = new CountDownLatch(1);
        // For an exit that no signal below announced.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shipping.stop();
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "walship-agent-stop"));
        // What the last line says after "stopped": the first reason wins.
        AtomicReference<String> stopReason = new AtomicReference<>("");
        ServiceSignals.onStop(signal -> {
            stopReason.compareAndSet("", " on " + signal);
            LOG.info("stopping on " + signal + " once the uploads under way are answered");
            shipping.stop();
        });
        ServiceSignals.onHangup(() -> LOG.info("SIGHUP ignored: the agent reads " + agent.file()
                + " only at start; restart it to apply a change"));
        // Before the line that says the agent runs, which tests and scripts wait for.
        endpoint.ifPresent(metrics -> LOG.info("metrics on " + metrics.url()));
        LOG.info("walship agent " + VersionProvider.version() + ", pid " + ProcessHandle.current().pid()
                + ": shipping ready WAL of " + pgdata + " to " + agent.receiverText() + " for server '"
                + agent.server() + "', " + agent.pushConcurrency() + " at a time; configuration " + agent.file()
                + ", records in " + spool.dir() + (onDemand ? "; started by walship push, it stops once PostgreSQL "
                + "has stopped" : ""));
        presence.announce(ProcessHandle.current().pid(), pgdata);
        if (onDemand) {
            Thread.ofVirtual().name("walship-postgres-watch").start(() -> new PostgresWatch(pgdata).watch(why -> {
                String stopped = "PostgreSQL of " + pgdata + " has stopped (" + why + ")";
                stopReason.compareAndSet("", ": " + stopped);
                LOG.info(stopped + "; stopping once the uploads under way are answered");
                shipping.stop();
            }));
        }
        try {
            shipping.run();
        } finally {
            endpoint.ifPresent(MetricsEndpoint::close);
            presence.withdraw();
            finished.countDown();
        }
        LOG.info("stopped" + stopReason.get());
        return 0;
    }
}
