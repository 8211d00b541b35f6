package io.walship.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@link Message} as one length-prefixed frame. {@link Data} content is passed on as a
 * composite with its header instead of being copied.
 */
public final class MessageEncoder extends MessageToMessageEncoder<Message> {

    public MessageEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
        if (message instanceof Data data) {
            ByteBuf content = data.content();
            if (content.readableBytes() > Limits.MAX_CHUNK) {
                throw new ProtocolException("data chunk of " + content.readableBytes()
                        + " bytes exceeds the limit of " + Limits.MAX_CHUNK);
            }
            ByteBuf header = ctx.alloc().buffer(Limits.LENGTH_PREFIX + 1);
            header.writeInt(1 + content.readableBytes()).writeByte(FrameType.DATA);
            out.add(header);
            out.add(content.retain());
            return;
        }
        ByteBuf frame = ctx.alloc().buffer(64);
        try {
            frame.writeInt(0);
            writeBody(message, frame);
            frame.setInt(0, frame.readableBytes() - Limits.LENGTH_PREFIX);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        out.add(frame);
    }

    static void writeBody(Message message, ByteBuf frame) {
        switch (message) {
            case Hello hello -> {
                frame.writeByte(FrameType.HELLO).writeInt(hello.magic());
                frame.writeShort(hello.version()).writeLong(hello.capabilities());
            }
            case Welcome welcome -> frame.writeByte(FrameType.WELCOME).writeShort(welcome.version())
                    .writeLong(welcome.capabilities());
            case Put put -> {
                if (put.size() < 0) {
                    throw new ProtocolException("negative size " + put.size());
                }
                // A plain upload keeps the frame every receiver reads; only an encoded one needs the new type.
                boolean plain = put.encoding() == WireEncoding.PLAIN;
                frame.writeByte(plain ? FrameType.PUT : FrameType.PUT_ENCODED);
                writeString(frame, put.server(), Limits.MAX_NAME);
                writeString(frame, put.name(), Limits.MAX_NAME);
                frame.writeLong(put.size()).writeLong(put.mtimeNanos());
                if (!plain) {
                    frame.writeByte(put.encoding().wire);
                }
            }
            case Get get -> {
                boolean plain = get.accept() == WireEncoding.PLAIN;
                frame.writeByte(plain ? FrameType.GET : FrameType.GET_ENCODED);
                writeString(frame, get.server(), Limits.MAX_NAME);
                writeString(frame, get.name(), Limits.MAX_NAME);
                if (!plain) {
                    frame.writeByte(get.accept().wire);
                }
            }
            case End end -> frame.writeByte(FrameType.END).writeInt(end.crc32c());
            case Reply reply -> {
                frame.writeByte(FrameType.REPLY).writeByte(reply.code().wire);
                writeString(frame, truncate(reply.message(), Limits.MAX_MESSAGE), Limits.MAX_MESSAGE);
            }
            case Check check -> {
                frame.writeByte(FrameType.CHECK);
                writeString(frame, check.server(), Limits.MAX_NAME);
                writeString(frame, check.name(), Limits.MAX_NAME);
            }
            case CheckReport report -> {
                frame.writeByte(FrameType.CHECK_REPORT).writeByte(report.items().size());
                for (CheckItem item : report.items()) {
                    writeString(frame, item.name(), Limits.MAX_NAME);
                    frame.writeByte(item.status().wire);
                    writeString(frame, truncate(item.detail(), Limits.MAX_MESSAGE), Limits.MAX_MESSAGE);
                }
            }
            case Data data -> throw new IllegalArgumentException("data frames are encoded without copying");
        }
    }

    private static void writeString(ByteBuf frame, String value, int maxBytes) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new ProtocolException("string of " + bytes.length + " bytes exceeds the limit of " + maxBytes);
        }
        frame.writeShort(bytes.length).writeBytes(bytes);
    }

    /** Human messages are shortened rather than refused: an overlong explanation must not hide the outcome. */
    private static String truncate(String message, int maxBytes) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return message;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
