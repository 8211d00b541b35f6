package io.walship.protocol;

/**
 * Starts a file upload. {@link Data} frames follow, carrying the file in {@code encoding}, then {@link End} with
 * the checksum of the {@code size} plain bytes. {@code mtimeNanos} is the source file's modification time, which
 * Barman records in xlog.db. A receiver takes an encoding other than PLAIN only where its WELCOME offered it.
 */
public record Put(String server, String name, long size, long mtimeNanos, WireEncoding encoding) implements Message {

    public Put {
        if (encoding == null) {
            throw new IllegalArgumentException("an upload needs an encoding");
        }
    }

    /** The plain file as it is. */
    public Put(String server, String name, long size, long mtimeNanos) {
        this(server, name, size, mtimeNanos, WireEncoding.PLAIN);
    }
}
