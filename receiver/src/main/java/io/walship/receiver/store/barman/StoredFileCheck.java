package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a file already in the archive is what its name says: it decodes, and its plain bytes pass the checks
 * an upload of it would have passed. For files the index does not list, found at start-up.
 */
final class StoredFileCheck {

    private static final int BUFFER = 64 * 1024;

    private StoredFileCheck() {
    }

    /** What is wrong with {@code stored}, or empty when it is sound. */
    static Optional<String> problem(WalFileName name, Path stored) throws IOException {
        try (InputStream plain = Compression.openPlain(Files.newInputStream(stored))) {
            byte[] head = plain.readNBytes(name.kind().hasWalHeader() ? WalPageHeader.SIZE : 0);
            long size = head.length + skipAll(plain);
            if (name.kind().hasWalHeader()) {
                if (head.length < WalPageHeader.SIZE) {
                    return Optional.of(name.name() + " holds only " + size + " bytes, less than a WAL page header");
                }
                return WalHeaderCheck.problem(name, size, WalPageHeader.parse(head));
            }
            if (size == 0 || size > BarmanStore.MAX_TEXT_FILE) {
                return Optional.of(name.name() + " holds " + size + " bytes, not a " + name.kind() + " file");
            }
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(stored)) {
                throw e;
            }
            return Optional.of(name.name() + " does not decode (" + e.getMessage() + ")");
        }
    }

    private static long skipAll(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            total += read;
        }
        return total;
    }
}
