package io.walship.protocol;

/**
 * Asks the receiver for a stored file of a server. {@code accept} is the encoding the asker can decode besides
 * plain bytes: a receiver that offered {@link Capabilities#ZSTD_DOWNLOADS} may then answer
 * {@link ReplyCode#FOUND_ZSTD}. Only asked of a receiver whose WELCOME offered it.
 */
public record Get(String server, String name, WireEncoding accept) implements Message {

    public Get {
        if (accept == null) {
            throw new IllegalArgumentException("a download needs the encoding it accepts");
        }
    }

    /** The plain file only. */
    public Get(String server, String name) {
        this(server, name, WireEncoding.PLAIN);
    }
}
