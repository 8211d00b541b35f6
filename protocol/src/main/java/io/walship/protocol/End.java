package io.walship.protocol;

/** Ends a file transfer: CRC-32C of all plain bytes of the file. */
public record End(int crc32c) implements Message {
}
