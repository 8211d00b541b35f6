package io.walship.protocol;

/** First message of a connection, client to receiver: who speaks which protocol version. */
public record Hello(int magic, int version, long capabilities) implements Message {

    /** "WALS": lets the receiver tell a walship client from a stray connection in one read. */
    public static final int MAGIC = 0x57414C53;

    public static Hello current() {
        return new Hello(MAGIC, ProtocolVersion.CURRENT, 0L);
    }
}
