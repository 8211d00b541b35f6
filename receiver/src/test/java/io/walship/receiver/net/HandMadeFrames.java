package io.walship.receiver.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Frames written byte by byte as the wire format says (a 4-byte big-endian length, a type byte, the fields), without
 * the protocol's encoder, so that a test can get any part of them wrong.
 */
final class HandMadeFrames {

    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int PUT = 3;
    static final int GET = 4;
    static final int DATA = 5;
    static final int END = 6;
    static final int REPLY = 7;
    /** "WALS". */
    static final int MAGIC = 0x57414C53;

    private HandMadeFrames() {
    }

    static byte[] hello(int magic, int version) {
        return frame(HELLO, body().writeInt(magic).writeShort(version).writeLong(0L));
    }

    static byte[] welcome(int version) {
        return frame(WELCOME, body().writeShort(version).writeLong(0L));
    }

    static byte[] put(String server, String name, long size, long mtimeNanos) {
        return put(utf8(server), utf8(name), size, mtimeNanos);
    }

    /** A PUT whose strings are taken as given, whatever their length or encoding. */
    static byte[] put(byte[] server, byte[] name, long size, long mtimeNanos) {
        return frame(PUT, string(string(body(), server), name).writeLong(size).writeLong(mtimeNanos));
    }

    static byte[] get(String server, String name) {
        return frame(GET, string(string(body(), utf8(server)), utf8(name)));
    }

    static byte[] data(byte[] chunk) {
        return frame(DATA, body().writeBytes(chunk));
    }

    static byte[] end(int crc32c) {
        return frame(END, body().writeInt(crc32c));
    }

    static byte[] reply(int code, String message) {
        return frame(REPLY, string(body().writeByte(code), utf8(message)));
    }

    /** A length prefix and a body of any kind: {@code length} need not be the body's. */
    static byte[] raw(int length, byte... body) {
        return bytes(Unpooled.buffer().writeInt(length).writeBytes(body));
    }

    /** A frame of {@code type} whose length prefix is right for {@code fields}. */
    static byte[] frame(int type, ByteBuf fields) {
        ByteBuf frame = Unpooled.buffer().writeInt(1 + fields.readableBytes()).writeByte(type).writeBytes(fields);
        return bytes(frame);
    }

    static int crc32c(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return (int) crc.getValue();
    }

    static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static ByteBuf body() {
        return Unpooled.buffer();
    }

    private static ByteBuf string(ByteBuf body, byte[] value) {
        return body.writeShort(value.length).writeBytes(value);
    }

    private static byte[] bytes(ByteBuf buffer) {
        return ByteBufUtil.getBytes(buffer);
    }
}
