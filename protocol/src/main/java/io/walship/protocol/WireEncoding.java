package io.walship.protocol;

/**
 * How the DATA frames of a file carry it: as they are, or as one zstd frame of it, so that fewer bytes cross the
 * link. Uploaded, the agent compressed and, where the server stores zstd, the receiver keeps the frame as sent;
 * downloaded, the receiver sends a stored zstd frame as it is and the agent decodes it. The PUT's size and the
 * END's checksum are those of the plain file either way.
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
        throw new ProtocolException("unknown wire encoding " + value);
    }
}
