package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import io.walship.receiver.store.check.StoredContent;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file already in the archive, read through once (see {@link StoredContent}), with the codec it was stored
 * with. For files the index does not list, found at start-up, and for walship verify.
 *
 * @param problem what is wrong with it, empty when it is sound
 */
record StoredFile(Optional<String> problem, PlainChecksums.Sum sum) {

    static StoredFile examine(WalFileName name, Path stored) throws IOException {
        Compression codec = Compression.of(stored);
        StoredContent content = StoredContent.read(name, () -> Compression.openPlain(Files.newInputStream(stored)));
        return new StoredFile(content.problem(), new PlainChecksums.Sum(content.size(), content.crc32c(), codec));
    }
}
