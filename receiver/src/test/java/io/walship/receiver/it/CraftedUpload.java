package io.walship.receiver.it;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.walship.agent.net.FileUpload;
import io.walship.protocol.Data;
import io.walship.protocol.End;
import io.walship.protocol.Limits;
import io.walship.protocol.Message;

/** An upload of whatever bytes a test makes up, as DATA frames and an END with a checksum of its choosing. */
final class CraftedUpload implements FileUpload {

    private final byte[] bytes;
    private final int crc32c;
    private int position;
    private boolean ended;

    CraftedUpload(byte[] bytes, int crc32c) {
        this.bytes = bytes;
        this.crc32c = crc32c;
    }

    @Override
    public boolean isEndOfInput() {
        return ended;
    }

    @Override
    public void close() {
    }

    @Override
    public Message readChunk(ByteBufAllocator allocator) {
        if (ended) {
            return null;
        }
        if (position == bytes.length) {
            ended = true;
            return new End(crc32c);
        }
        int n = Math.min(Limits.MAX_CHUNK, bytes.length - position);
        Data data = new Data(Unpooled.copiedBuffer(bytes, position, n));
        position += n;
        return data;
    }

    @Override
    public long length() {
        return bytes.length;
    }

    @Override
    public long progress() {
        return position;
    }
}
