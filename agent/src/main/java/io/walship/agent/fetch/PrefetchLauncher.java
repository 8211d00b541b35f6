package io.walship.agent.fetch;

import io.walship.agent.BackgroundProcess;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** Starts the background prefetcher of a spool unless one runs already. */
final class PrefetchLauncher {

    static final String LOCK = ".prefetch.lock";
    static final String LOG = "prefetch.log";

    private PrefetchLauncher() {
    }

    static void ensureRunning(Path spoolDir, Path configFile) throws IOException {
        BackgroundProcess.ensureRunning(spoolDir.resolve(LOCK), spoolDir.resolve(LOG),
                List.of("prefetch", "--config", configFile.toAbsolutePath().toString()),
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    static FileChannel openLock(Path spoolDir) throws IOException {
        return BackgroundProcess.openLock(spoolDir.resolve(LOCK));
    }
}
