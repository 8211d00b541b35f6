package io.walship.agent.spool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the running user can keep a server's spool directory (create it, or write in it), and otherwise the one
 * line that names the setting and what to do. The launcher says the same when it cannot start the agent
 * (bin/lib/agent.sh; AgentStartScriptTest holds the two together).
 */
public final class SpoolAccess {

    private SpoolAccess() {
    }

    /** Empty when the spool directory is writable, or can be created, by this user; nothing is created here. */
    public static Optional<String> problem(SpoolLayout spool, Path configFile) {
        Path existing = spool.dir().toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && Files.isDirectory(existing) && Files.isWritable(existing)) {
            return Optional.empty();
        }
        return Optional.of(describe(spool, configFile));
    }

    /** What to do about a spool directory this user cannot write. */
    public static String describe(SpoolLayout spool, Path configFile) {
        String user = System.getProperty("user.name");
        return "spool_directory: " + user + " cannot write " + spool.dir() + "; create " + spool.dir().getParent()
                + " owned by " + user + ", or set spool_directory in [agent] of " + configFile;
    }
}
