package io.walship.agent.config;

import io.walship.protocol.Capabilities;
import io.walship.protocol.WireEncoding;

/** {@code fetch_compression} in {@code [agent]}: whether a download may come as the receiver stores it. */
public enum FetchCompression {
    /**
     * The default: a file the receiver stores as zstd comes as it is stored and this host decodes it, about a
     * third of the bytes on the wire and less of this host's CPU than receiving the plain bytes over TLS.
     */
    ZSTD,
    /** Always the plain bytes: the receiver decodes. */
    NONE;

    /** What a download may be answered in, given the receiver's WELCOME: zstd only where it sends zstd. */
    public WireEncoding accepted(long receiverCapabilities) {
        return this == ZSTD && Capabilities.has(receiverCapabilities, Capabilities.ZSTD_DOWNLOADS)
                ? WireEncoding.ZSTD : WireEncoding.PLAIN;
    }
}
