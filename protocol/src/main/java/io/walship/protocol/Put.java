package io.walship.protocol;

/**
 * Starts a file upload. {@link Data} frames with exactly {@code size} bytes follow, then {@link End}
 * with the checksum of those plain bytes. {@code mtimeNanos} is the source file's modification time,
 * which Barman records in xlog.db.
 */
public record Put(String server, String name, long size, long mtimeNanos) implements Message {
}
