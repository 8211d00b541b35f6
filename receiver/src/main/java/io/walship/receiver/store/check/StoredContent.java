package io.walship.receiver.store.check;

import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A stored file's plain bytes, read through once, whatever stores it: whether they decode and pass the checks an
 * upload of them passed (a segment's page header, a text file's parse), and their size and CRC-32C.
 *
 * @param problem what is wrong with it, empty when it is sound
 */
public record StoredContent(Optional<String> problem, long size, int crc32c) {

    private static final int BUFFER = 64 * 1024;

    /** Opens the plain bytes of a stored file: its decompressing stream. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * Reads what {@code plain} opens as the file {@code name}. A stream that fails to open or to decode is a problem
     * of the file; a {@link FileSystemException} (permissions, a file gone, too many open files) is no verdict on
     * its content and is thrown.
     */
    public static StoredContent read(WalFileName name, Opener plain) throws FileSystemException {
        CRC32C crc = new CRC32C();
        boolean text = !name.kind().hasWalHeader();
        // A segment's page header, or the whole of a text file (bounded: a larger one is a problem anyway).
        byte[] head = new byte[text ? (int) TextContent.maxSize(name.kind()) : WalPageHeader.SIZE];
        long size = 0;
        try (InputStream in = plain.open()) {
            byte[] buffer = new byte[BUFFER];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (size < head.length) {
                    System.arraycopy(buffer, 0, head, (int) size, (int) Math.min(read, head.length - size));
                }
                crc.update(buffer, 0, read);
                size += read;
            }
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            return new StoredContent(Optional.of(name.name() + " does not decode (" + e.getMessage() + ")"), size,
                    (int) crc.getValue());
        }
        return new StoredContent(problem(name, size, head), size, (int) crc.getValue());
    }

    private static Optional<String> problem(WalFileName name, long size, byte[] head) {
        if (name.kind().hasWalHeader()) {
            if (size < head.length) {
                return Optional.of(name.name() + " holds only " + size + " bytes, less than a WAL page header");
            }
            return WalHeaderCheck.problem(name, size, WalPageHeader.parse(head));
        }
        if (size == 0 || size > head.length) {
            return Optional.of(name.name() + " holds " + size + " bytes, not a " + name.kind() + " file");
        }
        return TextContent.problem(name, Arrays.copyOf(head, (int) size));
    }
}
