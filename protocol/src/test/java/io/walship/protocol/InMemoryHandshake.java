package io.walship.protocol;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A TLS handshake between two engines in memory, followed by a little application data from the client so that
 * a refusal the server sends after TLS 1.3's client Finished reaches the client too. Records each side's failure.
 */
final class InMemoryHandshake {

    private static final int ROUNDS = 100;

    SSLException clientFailure;
    SSLException serverFailure;
    /** Whether both ends finished the handshake. */
    boolean finished;

    InMemoryHandshake(SSLEngine client, SSLEngine server) {
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        try {
            client.beginHandshake();
            server.beginHandshake();
        } catch (SSLException e) {
            clientFailure = e;
            return;
        }
        boolean progress = true;
        for (int round = 0; progress && round < ROUNDS && (clientFailure == null || serverFailure == null); round++) {
            progress = false;
            if (clientFailure == null) {
                try {
                    progress |= step(client, toClient, toServer, app);
                } catch (SSLException e) {
                    clientFailure = e;
                    progress |= flushAlert(client, toServer);
                }
            }
            if (serverFailure == null) {
                try {
                    progress |= step(server, toServer, toClient, app);
                } catch (SSLException e) {
                    serverFailure = e;
                    progress |= flushAlert(server, toClient);
                }
            }
        }
        // netty-tcnative sends its alert first and throws the failure on the wrap after.
        if (clientFailure == null) {
            clientFailure = pendingFailure(client);
        }
        if (serverFailure == null) {
            serverFailure = pendingFailure(server);
        }
        finished = clientFailure == null && serverFailure == null
                && client.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && server.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }

    private static SSLException pendingFailure(SSLEngine engine) {
        try {
            engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(1 << 17));
            return null;
        } catch (SSLException e) {
            return e;
        }
    }

    /** A failed engine still has its alert to send. */
    private static boolean flushAlert(SSLEngine engine, ByteBuffer out) {
        try {
            for (int i = 0; i < ROUNDS && !engine.isOutboundDone(); i++) {
                if (engine.wrap(ByteBuffer.allocate(0), out).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException e) {
            // The engine has nothing left to send.
        }
        return true;
    }

    private static boolean step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        boolean progress = false;
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
            progress = true;
        }
        HandshakeStatus status = engine.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_WRAP || status == HandshakeStatus.NOT_HANDSHAKING && engine.getUseClientMode()
                && !engine.isOutboundDone()) {
            ByteBuffer data = status == HandshakeStatus.NEED_WRAP ? ByteBuffer.allocate(0) : ByteBuffer.wrap(new byte[1]);
            SSLEngineResult result = engine.wrap(data, out);
            progress |= result.bytesProduced() > 0;
        }
        if (in.position() > 0) {
            in.flip();
            app.clear();
            SSLEngineResult result = engine.unwrap(in, app);
            in.compact();
            progress |= result.bytesConsumed() > 0;
        }
        return progress;
    }
}
