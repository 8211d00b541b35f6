package io.walship.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one frame body (length prefix already stripped by {@link WireCodec#frameDecoder()}) into a
 * {@link Message}. Every field is bounds-checked: a malformed frame is a {@link ProtocolException}.
 */
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {

    public MessageDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    static Message decode(ByteBuf frame) {
        if (!frame.isReadable()) {
            throw new ProtocolException("empty frame");
        }
        byte type = frame.readByte();
        Message message = switch (type) {
            case FrameType.HELLO -> new Hello(readInt(frame), readUnsignedShort(frame), readLong(frame));
            case FrameType.WELCOME -> new Welcome(readUnsignedShort(frame), readLong(frame));
            case FrameType.PUT -> new Put(readString(frame, Limits.MAX_NAME), readString(frame, Limits.MAX_NAME),
                    readNonNegativeLong(frame, "size"), readLong(frame));
            case FrameType.PUT_ENCODED -> new Put(readString(frame, Limits.MAX_NAME),
                    readString(frame, Limits.MAX_NAME), readNonNegativeLong(frame, "size"), readLong(frame),
                    readEncoding(frame, "PUT"));
            case FrameType.GET -> new Get(readString(frame, Limits.MAX_NAME), readString(frame, Limits.MAX_NAME));
            case FrameType.GET_ENCODED -> new Get(readString(frame, Limits.MAX_NAME),
                    readString(frame, Limits.MAX_NAME), readEncoding(frame, "GET"));
            case FrameType.DATA -> {
                if (frame.readableBytes() > Limits.MAX_CHUNK) {
                    throw new ProtocolException("data chunk of " + frame.readableBytes()
                            + " bytes exceeds the limit of " + Limits.MAX_CHUNK);
                }
                yield new Data(frame.readRetainedSlice(frame.readableBytes()));
            }
            case FrameType.END -> new End(readInt(frame));
            case FrameType.REPLY -> new Reply(ReplyCode.fromWire(readUnsignedByte(frame)),
                    readString(frame, Limits.MAX_MESSAGE));
            case FrameType.CHECK -> new Check(readString(frame, Limits.MAX_NAME), readString(frame, Limits.MAX_NAME));
            case FrameType.CHECK_REPORT -> new CheckReport(readCheckItems(frame));
            default -> throw new ProtocolException("unknown frame type " + Byte.toUnsignedInt(type));
        };
        if (frame.isReadable()) {
            if (message instanceof Data data) {
                data.release();
            }
            throw new ProtocolException(frame.readableBytes() + " unexpected trailing bytes in frame type " + Byte.toUnsignedInt(type));
        }
        return message;
    }

    private static void need(ByteBuf frame, int bytes) {
        if (frame.readableBytes() < bytes) {
            throw new ProtocolException("truncated frame: needed " + bytes + " more bytes, got "
                    + frame.readableBytes());
        }
    }

    private static int readUnsignedByte(ByteBuf frame) {
        need(frame, 1);
        return frame.readUnsignedByte();
    }

    /** A plain upload or download has the frame of its own: one way to write each message. */
    private static WireEncoding readEncoding(ByteBuf frame, String request) {
        WireEncoding encoding = WireEncoding.fromWire(readUnsignedByte(frame));
        if (encoding == WireEncoding.PLAIN) {
            throw new ProtocolException("an encoded " + request + " names the plain encoding; a plain one is a "
                    + request);
        }
        return encoding;
    }

    private static int readUnsignedShort(ByteBuf frame) {
        need(frame, 2);
        return frame.readUnsignedShort();
    }

    private static int readInt(ByteBuf frame) {
        need(frame, 4);
        return frame.readInt();
    }

    private static long readLong(ByteBuf frame) {
        need(frame, 8);
        return frame.readLong();
    }

    private static long readNonNegativeLong(ByteBuf frame, String field) {
        long value = readLong(frame);
        if (value < 0) {
            throw new ProtocolException("negative " + field + " " + value);
        }
        return value;
    }

    private static List<CheckItem> readCheckItems(ByteBuf frame) {
        int count = readUnsignedByte(frame);
        if (count > Limits.MAX_CHECK_ITEMS) {
            throw new ProtocolException(count + " check items exceed the limit of " + Limits.MAX_CHECK_ITEMS);
        }
        List<CheckItem> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(new CheckItem(readString(frame, Limits.MAX_NAME),
                    CheckItem.Status.fromWire(readUnsignedByte(frame)), readString(frame, Limits.MAX_MESSAGE)));
        }
        return items;
    }

    private static String readString(ByteBuf frame, int maxBytes) {
        int length = readUnsignedShort(frame);
        if (length > maxBytes) {
            throw new ProtocolException("string of " + length + " bytes exceeds the limit of " + maxBytes);
        }
        need(frame, length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(frame.readSlice(length).nioBuffer())
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("string field is not valid UTF-8");
        }
    }
}
