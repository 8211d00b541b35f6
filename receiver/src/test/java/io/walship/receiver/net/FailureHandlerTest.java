package io.walship.receiver.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.walship.protocol.Hello;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.metrics.ReceiverMetrics;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Whatever goes wrong on a connection ends in one reply that says what, except where no reply can be carried. */
class FailureHandlerTest {

    private final ReceiverMetrics metrics = new ReceiverMetrics(List.of("pg"), List.of(), Clock.systemUTC());
    private final EmbeddedChannel channel = new EmbeddedChannel(new FailureHandler(metrics));

    @Test
    void aReceiverFailureIsAnsweredFailedAndTheConnectionClosed() {
        channel.pipeline().fireExceptionCaught(new IllegalArgumentException("not a file time: 1.0E-9"));

        Reply reply = channel.readOutbound();
        assertEquals(ReplyCode.FAILED, reply.code());
        assertTrue(reply.message().contains("not a file time: 1.0E-9") && reply.message().contains("retry"),
                reply.message());
        assertFalse(channel.isOpen());
    }

    @Test
    void aConnectionIdleForTooLongIsToldSo() {
        channel.pipeline().fireExceptionCaught(ReadTimeoutException.INSTANCE);

        Reply reply = channel.readOutbound();
        assertEquals(ReplyCode.FAILED, reply.code());
        assertTrue(reply.message().contains("too long"), reply.message());
        assertFalse(channel.isOpen());
    }

    @Test
    void aBrokenProtocolIsRejectedOnce() {
        channel.pipeline().fireExceptionCaught(new ProtocolViolation("DATA without PUT"));
        channel.pipeline().fireExceptionCaught(new ProtocolViolation("END without PUT"));

        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: DATA without PUT"), channel.readOutbound());
        assertNull(channel.readOutbound(), "one answer for a connection that is done for");
        assertFalse(channel.isOpen());
    }

    @Test
    void aFrameThatCannotBeDecodedIsAProtocolError() {
        channel.pipeline().fireExceptionCaught(new DecoderException(new TooLongFrameException("frame of 9 MiB")));

        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: frame of 9 MiB"), channel.readOutbound());
    }

    @Test
    void aMessageNobodyTookIsAProtocolError() {
        channel.writeInbound(Hello.current());

        assertEquals(new Reply(ReplyCode.REJECTED, "protocol error: unexpected Hello message"),
                channel.readOutbound());
    }

    @Test
    void aBrokenProtocolIsCountedAsARejection() {
        channel.pipeline().fireExceptionCaught(new ProtocolViolation("DATA without PUT"));

        assertEquals(Map.of("protocol", 1L), metrics.status().servers().get(ReceiverMetrics.UNKNOWN_SERVER)
                .rejected());
    }

    @Test
    void eachFailedHandshakeIsCountedOnceByItsCauseAsItsEndTellsIt() {
        SSLHandshakeException refused = new SSLHandshakeException("Received fatal alert: unknown_ca");
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(refused));
        channel.pipeline().fireExceptionCaught(new DecoderException(refused));

        assertEquals(Map.of("peer_refused_certificate", 1L), metrics.status().tlsFailures());
        assertNull(channel.readOutbound(), "no reply without TLS to carry it");
        assertFalse(channel.isOpen());
    }

    @Test
    void aPeerThatClosesMidHandshakeIsCountedThoughNoExceptionTellsOfIt() {
        channel.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new ClosedChannelException()));

        assertEquals(Map.of("closed", 1L), metrics.status().tlsFailures());
    }

    @Test
    void aTlsFailureAfterTheHandshakeIsCountedToo() {
        channel.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
        channel.pipeline().fireExceptionCaught(new DecoderException(new SSLException("bad_record_mac")));

        assertEquals(Map.of("other", 1L), metrics.status().tlsFailures());
    }

    @Test
    void aConnectionTheNetworkBrokeGetsNoReply() {
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }
}
