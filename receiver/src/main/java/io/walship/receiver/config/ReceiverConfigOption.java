package io.walship.receiver.config;

import io.walship.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option of the backup host's commands, and the configuration it leads to. */
public final class ReceiverConfigOption {

    public static final String DEFAULT = "/etc/walship/receiver.conf";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = DEFAULT,
            description = "Receiver configuration file (default: ${DEFAULT-VALUE}).")
    Path file;

    public ReceiverConfig load() throws ConfigException {
        return ReceiverConfig.load(file);
    }
}
