package io.walship.receiver.config;

import io.walship.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A receiver configuration bound to the Barman release that reads its archive: configured, or asked of the
 * installed {@code barman}, since which xlog.db is the index depends on it.
 *
 * @param barmanSource how the release was found, for the log
 * @param warnings what the configuration does that this Barman may not read well
 */
public record ReadByBarman(ReceiverConfig config, Optional<BarmanVersion> barman, String barmanSource,
        List<String> warnings) {

    /** {@code barman --version} starts Python and nothing else: well under a second, unless the host is stuck. */
    private static final Duration DETECT_TIMEOUT = Duration.ofSeconds(30);

    public static ReadByBarman of(ReceiverConfig config) throws ConfigException {
        Optional<BarmanVersion> barman = config.barmanVersion();
        String barmanSource = "barman_version in " + config.file();
        if (config.withoutBarman()) {
            if (config.barmanConfig().isPresent()) {
                throw new ConfigException(config.file() + ": barman_version = none says no Barman reads the archive, "
                        + "but barman_config follows Barman's configuration; remove one of them");
            }
            barmanSource = "barman_version = none in " + config.file() + ": only walship fetch reads the archive";
        } else if (barman.isEmpty()) {
            BarmanVersion.Detected detected = BarmanVersion.detect(List.of("barman", "--version"), DETECT_TIMEOUT);
            barman = detected.version();
            barmanSource = detected.how();
            if (barman.isEmpty() && config.barmanConfig().isPresent()) {
                throw new ConfigException(config.file() + ": with barman_config walship must know which Barman "
                        + "release reads the archive, but " + barmanSource + "; set barman_version in [receiver], "
                        + "e.g. barman_version = 3.4");
            }
        }
        List<String> warnings = config.checkReadableBy(barman);
        return new ReadByBarman(config.readBy(barman), barman, barmanSource, warnings);
    }

    public ArchiveReader reader() {
        return new ArchiveReader(barman, config.withoutBarman());
    }
}
