package io.walship.agent.aot;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code walship aot-cache}: described here, with the other commands, but done by bin/walship, since each cache
 * is written by a JVM of its own at its exit ({@link AotTrainingCommand}).
 */
@Command(name = "aot-cache", mixinStandardHelpOptions = true,
        description = {"Writes the start-up caches of push and fetch.", "",
            "Trains two AOT caches next to the agent jar:",
            "  walship-agent.aot        a push and a fetch over TLS to a local receiver",
            "  walship-agent-light.aot  a fetch from the read-ahead spool, --version, --help", "",
            "The launcher passes a cache only while the JDK and the jars are the ones it was trained with. Run it "
                + "after upgrading the JDK, or after copying the installation without keeping file times, as the "
                + "owner of the jars; it takes a few seconds."},
        footer = {"", "Example:", "  /opt/walship/bin/walship aot-cache"})
public final class AotCacheCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("walship aot-cache: run it through bin/walship, which starts the JVMs that write the "
                + "caches");
        return 2;
    }
}
