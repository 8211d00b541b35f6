package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL refuses to run as root, so when the tests run as root (as in CI) every PostgreSQL binary and
 * everything it touches belongs to the unprivileged {@code postgres} OS user; as a normal user all of it simply
 * runs as that user.
 */
final class RunAs {

    static final String PG_USER = "postgres";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static Boolean root;

    private RunAs() {
    }

    static synchronized boolean root() throws IOException {
        if (root == null) {
            Proc.Result id = Proc.check(List.of("id", "-u"), Path.of("/"), TIMEOUT);
            root = id.stdout().strip().equals("0");
        }
        return root;
    }

    /** The command line that runs {@code command} as the PostgreSQL OS user. */
    static List<String> postgres(List<String> command) throws IOException {
        if (!root()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", PG_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Hands a file or tree to the PostgreSQL OS user (no-op for a normal user, who owns it already). */
    static void giveToPostgres(Path path) throws IOException {
        if (root()) {
            Proc.check(List.of("chown", "-R", PG_USER + ":", path.toString()), Path.of("/"), TIMEOUT);
        }
    }

    /** Whether the PostgreSQL OS user can do what {@code test(1)} checks, e.g. {@code -r file}. */
    static boolean postgresCan(String testFlag, Path path) throws IOException {
        if (!root()) {
            return true;
        }
        return Proc.run(postgres(List.of("test", testFlag, path.toString())), Path.of("/"), null, TIMEOUT)
                .exitCode() == 0;
    }

    /**
     * A fresh directory (mode 0755) under java.io.tmpdir. As root it must be reachable by the postgres user,
     * so every ancestor has to be searchable by others.
     */
    static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (root()) {
            for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    fail("temporary directory " + dir + " is not reachable by the " + PG_USER + " user: " + p
                            + " is not searchable by others; point java.io.tmpdir at a directory such as /tmp");
                }
            }
        }
        return dir;
    }

    /** Deletes a tree, whoever owns its parts (root may delete anything; a normal user owns everything). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
