package io.walship.protocol;

/**
 * Asks the receiver whether it can archive for {@code server}; with a {@code name} (else empty) also whether that
 * file is stored. Answered by one {@link CheckReport}; nothing is written.
 */
public record Check(String server, String name) implements Message {

    public static Check of(String server) {
        return new Check(server, "");
    }
}
