package io.walship.agent.spool;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a walship command in the background unless one already holds its lock file: restore_command is a short
 * process, and the read-ahead it triggers has to outlive it. (The agent that archive_command needs is started by the
 * launcher, bin/lib/agent.sh, without a JVM.)
 */
public final class BackgroundProcess {

    /**
     * The main class of the PostgreSQL-host side, named rather than imported: the commands that start
     * background processes sit below it. bin/lib/spool.sh knows a live agent by it (BackgroundProcessTest).
     */
    public static final String MAIN_CLASS = "io.walship.agent.Walship";
    private static final String SETSID = "/usr/bin/setsid";

    private BackgroundProcess() {
    }

    public static FileChannel openLock(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        return FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /** Runs {@code walship <arguments>} detached, output appended to {@code log}, if {@code lockFile} is free. */
    public static void ensureRunning(Path lockFile, Path log, List<String> arguments, List<String> jvmOptions)
            throws IOException {
        try (FileChannel channel = openLock(lockFile); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return;
            }
        }
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        // A session of its own: PostgreSQL signals the archiver's whole process group on shutdown.
        if (Files.isExecutable(Path.of(SETSID))) {
            command.add(SETSID);
        }
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MAIN_CLASS));
        command.addAll(arguments);
        new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }
}
