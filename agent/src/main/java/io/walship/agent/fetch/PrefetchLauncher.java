package io.walship.agent.fetch;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Starts the background prefetcher unless one runs already. restore_command is one short process per
 * file, so the read-ahead has to outlive it; one prefetcher per spool, told apart by a lock file.
 */
final class PrefetchLauncher {

    static final String LOCK = ".prefetch.lock";
    static final String LOG = "prefetch.log";

    private PrefetchLauncher() {
    }

    static void ensureRunning(Path spoolDir, Path configFile) throws IOException {
        try (FileChannel channel = openLock(spoolDir); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return;
            }
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                io.walship.agent.Walship.class.getName(), "prefetch", "--config", configFile.toAbsolutePath().toString());
        new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spoolDir.resolve(LOG).toFile()))
                .start();
    }

    static FileChannel openLock(Path spoolDir) throws IOException {
        return FileChannel.open(spoolDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
}
