package io.walship.protocol;

/** The type byte that starts every frame body. */
final class FrameType {

    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte PUT = 3;
    static final byte GET = 4;
    static final byte DATA = 5;
    static final byte END = 6;
    static final byte REPLY = 7;
    static final byte CHECK = 8;
    static final byte CHECK_REPORT = 9;
    /** A PUT whose DATA is encoded (see {@link WireEncoding}): its fields, then the encoding's byte. */
    static final byte PUT_ENCODED = 10;
    /** A GET that accepts an encoded answer (see {@link Get#accept}): its fields, then the encoding's byte. */
    static final byte GET_ENCODED = 11;

    private FrameType() {
    }
}
