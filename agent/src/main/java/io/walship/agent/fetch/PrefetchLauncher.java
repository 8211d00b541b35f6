package io.walship.agent.fetch;

import io.walship.agent.spool.BackgroundProcess;
import io.walship.agent.spool.SpoolLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** Starts the background prefetcher of a spool unless one runs already. */
final class PrefetchLauncher {

    private PrefetchLauncher() {
    }

    static void ensureRunning(SpoolLayout spool, Path configFile) throws IOException {
        BackgroundProcess.ensureRunning(spool.prefetchLock(), spool.prefetchLog(),
                List.of("prefetch", "--config", configFile.toAbsolutePath().toString()),
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    static FileChannel openLock(SpoolLayout spool) throws IOException {
        return BackgroundProcess.openLock(spool.prefetchLock());
    }
}
