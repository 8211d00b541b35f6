package io.walship.receiver.store;

import java.io.InputStream;

/**
 * A stored file read as it is kept, one zstd frame, with the CRC-32C its plain bytes had when it was stored: what a
 * download sends an agent that decodes zstd, which then holds the decoded bytes against it.
 */
public record StoredZstd(InputStream frame, int plainCrc32c) {
}
