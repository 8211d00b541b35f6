package io.walship.receiver;

import io.walship.config.ConfigException;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.config.ReadByBarman;
import io.walship.receiver.config.ReceiverConfig;
import io.walship.receiver.config.ServerReload;
import java.util.logging.Logger;

/**
 * SIGHUP: reads the configuration file again and applies what a running receiver takes on without dropping a
 * connection ({@link ServerReload}); a file that does not load leaves the receiver as it runs. One at a time.
 */
final class HangupReload implements Runnable {

    private static final Logger LOG = Logger.getLogger(HangupReload.class.getName());

    private final ReceiverConfig started;
    private final ConfiguredServers servers;

    HangupReload(ReceiverConfig started, ConfiguredServers servers) {
        this.started = started;
        this.servers = servers;
    }

    @Override
    public synchronized void run() {
        try {
            ReadByBarman loaded = ReadByBarman.of(ReceiverConfig.load(started.file()));
            ServerReload reload = ServerReload.of(started, servers.now(), loaded.config());
            servers.replace(reload.servers());
            LOG.info("SIGHUP: reloaded " + started.file() + (reload.applied().isEmpty()
                    ? "; no server's clients or compression changed" : ""));
            reload.applied().forEach(LOG::info);
            reload.needRestart().forEach(LOG::warning);
            loaded.warnings().forEach(LOG::warning);
        } catch (ConfigException e) {
            LOG.warning("SIGHUP: " + e.getMessage() + "; the receiver goes on as it runs");
        } catch (RuntimeException e) {
            LOG.warning("SIGHUP: cannot reload " + started.file() + " (" + e + "); the receiver goes on as it runs");
        }
    }
}
