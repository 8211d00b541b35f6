package io.walship.receiver.store;

import java.io.InputStream;

/**
 * A stored file read as it is kept, one zstd frame, with the size and CRC-32C its plain bytes had when it was
 * stored: what a download sends an agent that decodes zstd, which then holds the decoded bytes against them.
 */
public record StoredZstd(InputStream frame, long plainSize, int plainCrc32c) {
}
