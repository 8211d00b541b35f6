package io.walship.agent.ca;

import io.walship.fs.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a group of new files into one directory, all or nothing, never replacing an existing file.
 * Each file is written and synced under a temporary name, then hard-linked to its final name: link(2)
 * fails instead of overwriting, so a file that appears concurrently is never clobbered either.
 */
final class NoClobberWriter {

    /** A file to create. Secret files are mode 0600 from creation on, so their content is never exposed. */
    record NewFile(Path target, byte[] content, boolean secret) {
    }

    private static final FileAttribute<Set<PosixFilePermission>> SECRET =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> PUBLIC =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    private NoClobberWriter() {
    }

    /**
     * Creates every file or none.
     *
     * @throws FileAlreadyExistsException naming the first target that exists; nothing is written then
     */
    static void writeAll(Path dir, List<NewFile> files) throws IOException {
        for (NewFile file : files) {
            if (Files.exists(file.target(), LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.target().toString());
            }
        }
        List<Path> temporaries = new ArrayList<>();
        List<Path> published = new ArrayList<>();
        try {
            for (NewFile file : files) {
                Path temporary = createTemporary(dir, file);
                temporaries.add(temporary);
                writeAndSync(temporary, file.content());
            }
            for (int i = 0; i < files.size(); i++) {
                Files.createLink(files.get(i).target(), temporaries.get(i));
                published.add(files.get(i).target());
            }
        } catch (IOException | RuntimeException e) {
            // Withdraw the files already linked too, so that no half pair remains.
            deleteAll(published, e);
            deleteAll(temporaries, e);
            throw e;
        }
        for (Path temporary : temporaries) {
            Files.delete(temporary);
        }
        Durable.syncDirectory(dir);
    }

    private static Path createTemporary(Path dir, NewFile file) throws IOException {
        try {
            return Files.createTempFile(dir, "." + file.target().getFileName() + ".", ".tmp",
                    file.secret() ? SECRET : PUBLIC);
        } catch (AccessDeniedException e) {
            // Name the directory the operator chose, not a temporary name they have never seen.
            throw new AccessDeniedException(dir.toString(), null, "cannot create files in this directory");
        }
    }

    private static void writeAndSync(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            Durable.writeAndForce(channel, ByteBuffer.wrap(bytes));
        }
    }

    /** Best-effort cleanup after {@code cause}; a failure to clean up is attached to it, not lost. */
    private static void deleteAll(List<Path> paths, Exception cause) {
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
