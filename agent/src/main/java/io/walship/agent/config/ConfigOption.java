package io.walship.agent.config;

import io.walship.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option of push, fetch and agent, and the configuration it leads to. */
public final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Agent configuration (default: $WALSHIP_CONFIG, else /etc/walship/walship.conf).")
    Path file;

    /** The file {@code --config} names, else the one of $WALSHIP_CONFIG, else the system-wide one, loaded. */
    public AgentConfig load() throws ConfigException {
        return AgentConfig.load(path());
    }

    public Path path() {
        return AgentConfig.locate(file);
    }
}
