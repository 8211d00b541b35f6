package io.walship.protocol;

/**
 * How the DATA frames of an upload carry the file: as they are, or as one zstd frame of it (the agent compressed,
 * so that fewer bytes cross the link and, where the server stores zstd, the receiver keeps them as sent). The
 * PUT's size and the END's checksum are those of the plain file either way.
 */
public enum WireEncoding {
    PLAIN(0),
    ZSTD(1);

    final int wire;

    WireEncoding(int wire) {
        this.wire = wire;
    }

    static WireEncoding fromWire(int value) {
        for (WireEncoding encoding : values()) {
            if (encoding.wire == value) {
                return encoding;
            }
        }
        throw new ProtocolException("unknown upload encoding " + value);
    }
}
