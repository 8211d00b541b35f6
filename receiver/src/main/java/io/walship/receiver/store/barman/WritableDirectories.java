package io.walship.receiver.store.barman;

import io.walship.config.ConfigException;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ServerDirectories;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks at start that the receiver may write where the store writes for each server, so that a directory or a
 * file it may not write stops the start with the server, the path and the system's reason, instead of failing
 * every upload later. A directory is tried by creating and removing a file in it; one the store creates on the
 * first upload must have a writable parent. The files it appends to (xlog.db, the checksums, Barman's lock file)
 * are opened for writing where they exist.
 */
public final class WritableDirectories {

    /** Hidden, so that Barman passes over it should the receiver die before removing it. */
    private static final String PROBE = ".walship-write-check-";
    private static final String REMEDY = "give that user write access to it, or run the receiver as the user that "
            + "owns the Barman server's files (usually barman)";

    private WritableDirectories() {
    }

    public static void check(Iterable<BarmanServer> servers) throws ConfigException {
        for (BarmanServer server : servers) {
            Optional<String> problem = problem(server);
            if (problem.isPresent()) {
                throw new ConfigException(problem.get());
            }
        }
    }

    /** The first place of {@code server} the receiver may not write, why, and what to do; at start and on CHECK. */
    public static Optional<String> problem(BarmanServer server) {
        for (Map.Entry<Path, String> directory : written(server.directories()).entrySet()) {
            Optional<String> problem = check(server, directory.getKey(), directory.getValue());
            if (problem.isPresent()) {
                return problem;
            }
        }
        for (Path file : List.of(server.walsXlogDb(), server.serverXlogDb(),
                server.directories().backupDirectory().resolve(PlainChecksums.FILE_NAME))) {
            Optional<String> problem = checkFile(server, file);
            if (problem.isPresent()) {
                return problem;
            }
        }
        // Barman's lock file is opened, or created where there is none yet.
        return Files.exists(server.lockFile()) ? checkFile(server, server.lockFile())
                : check(server, server.directories().lockDirectory(), "barman_lock_directory");
    }

    private static Optional<String> checkFile(BarmanServer server, Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (FileChannel opened = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // Open is the check: nothing is written.
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("server '" + server.name() + "': " + file + " is not writable by user "
                    + System.getProperty("user.name") + " (" + reason(e) + "); " + REMEDY);
        }
    }

    /** Each directory the store writes files in once, by the Barman setting that names it. */
    private static Map<Path, String> written(ServerDirectories directories) {
        Map<Path, String> written = new LinkedHashMap<>();
        written.putIfAbsent(directories.backupDirectory(), "backup_directory");
        written.putIfAbsent(directories.walsDirectory(), "wals_directory");
        written.putIfAbsent(directories.xlogdbDirectory(), "xlogdb_directory");
        written.putIfAbsent(directories.errorsDirectory(), "errors_directory");
        return written;
    }

    private static Optional<String> check(BarmanServer server, Path directory, String setting) {
        Path existing = nearestExisting(directory);
        String what = "server '" + server.name() + "': " + setting + " " + directory;
        if (existing == null || !Files.isDirectory(existing)) {
            return Optional.of(what + ": " + (existing == null ? directory.getRoot() : existing)
                    + " is not a directory; fix the path or what is there");
        }
        try {
            Files.delete(Files.createTempFile(existing, PROBE, ".tmp"));
            return Optional.empty();
        } catch (IOException e) {
            String where = existing.equals(directory) ? "" : " (to be created in " + existing + ")";
            return Optional.of(what + where + " is not writable by user " + System.getProperty("user.name")
                    + " (" + reason(e) + "); " + REMEDY);
        }
    }

    /** {@code path} if it exists, else its nearest parent that does (where the store would create it); null if none. */
    static Path nearestExisting(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /** What the system said, as strerror(3) words it; Java keeps the text only for the errors it has no class for. */
    static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "Permission denied";
            case NoSuchFileException missing -> "No such file or directory";
            case FileAlreadyExistsException exists -> "File exists";
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.toString();
        };
    }
}
