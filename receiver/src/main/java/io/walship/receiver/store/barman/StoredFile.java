package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import io.walship.receiver.store.check.TextContent;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A file already in the archive, read through once: whether it decodes and its plain bytes pass the checks an
 * upload of it would have passed, and its plain size and checksum. For files the index does not list, found at
 * start-up, and for walship verify.
 *
 * @param problem what is wrong with it, empty when it is sound
 */
record StoredFile(Optional<String> problem, PlainChecksums.Sum sum) {

    private static final int BUFFER = 64 * 1024;

    static StoredFile examine(WalFileName name, Path stored) throws IOException {
        Compression codec = Compression.of(stored);
        CRC32C crc = new CRC32C();
        boolean text = !name.kind().hasWalHeader();
        // A segment's page header, or the whole of a text file (bounded: a larger one is a problem anyway).
        byte[] head = new byte[text ? (int) TextContent.maxSize(name.kind()) : WalPageHeader.SIZE];
        long size = 0;
        try (InputStream plain = Compression.openPlain(Files.newInputStream(stored))) {
            byte[] buffer = new byte[BUFFER];
            int read;
            while ((read = plain.read(buffer)) >= 0) {
                if (size < head.length) {
                    System.arraycopy(buffer, 0, head, (int) size, (int) Math.min(read, head.length - size));
                }
                crc.update(buffer, 0, read);
                size += read;
            }
        } catch (FileSystemException e) {
            // Permissions, a file gone, too many open files: no verdict on the file's content.
            throw e;
        } catch (IOException e) {
            return new StoredFile(Optional.of(name.name() + " does not decode (" + e.getMessage() + ")"),
                    new PlainChecksums.Sum(size, (int) crc.getValue(), codec));
        }
        return new StoredFile(problem(name, size, head), new PlainChecksums.Sum(size, (int) crc.getValue(), codec));
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
