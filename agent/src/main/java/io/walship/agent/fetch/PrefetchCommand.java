package io.walship.agent.fetch;

import io.walship.agent.config.AgentConfig;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The background read-ahead that {@code walship fetch} starts; not meant to be typed. */
@Command(name = "prefetch", hidden = true, description = "Reads segments ahead for walship fetch.")
public final class PrefetchCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true)
    Path config;

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
                ReceiverClient client = new ReceiverClient(agent, Prefetcher.PARALLEL)) {
            if (lock == null) {
                return 0;
            }
            new Prefetcher(new ReadAheadSpool(agent.spool()), new Fetcher(client, agent.server()),
                    agent.prefetch()).run();
        } catch (ReceiverFailure e) {
            System.err.println("walship prefetch: " + e.getMessage());
            return 2;
        }
        return 0;
    }
}
