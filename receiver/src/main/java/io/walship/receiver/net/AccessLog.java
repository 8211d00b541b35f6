package io.walship.receiver.net;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.walship.protocol.Check;
import io.walship.protocol.CheckItem;
import io.walship.protocol.CheckReport;
import io.walship.protocol.End;
import io.walship.protocol.Get;
import io.walship.protocol.Put;
import io.walship.protocol.Reply;
import io.walship.protocol.ReplyCode;
import java.util.List;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * One log line for every reply the receiver sends: its code, who asked for what, how long it took and the
 * message the client got, e.g. {@code STORED pg1 -> pg/000000010000000000000001 (42 ms): ... stored}. A reply
 * outside a request (a broken protocol after the last one was answered) names the client and its address
 * instead. Replies that mean all is well are INFO, the others WARNING.
 */
final class AccessLog extends ChannelDuplexHandler {

    private static final Logger LOG = Logger.getLogger(AccessLog.class.getName());

    /**
     * The request being answered, e.g. {@code pg1 -> pg/000000010000000000000001}; null when none is: before the
     * first, and once it was answered (a download: once its END or a FAILED reply ended it).
     */
    private String request;
    private long started;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Put put -> begin(ctx, put.server() + "/" + put.name());
            case Get get -> begin(ctx, get.server() + "/" + get.name());
            case Check check -> begin(ctx, check.server() + (check.name().isEmpty() ? "" : "/" + check.name()));
            default -> {
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A request read before the last one was answered breaks the protocol; the next reply is still the last one's. */
    private void begin(ChannelHandlerContext ctx, String target) {
        if (request != null) {
            return;
        }
        request = ClientName.of(ctx) + " -> " + target;
        started = System.nanoTime();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        switch (msg) {
            case Reply reply -> {
                log(ctx, reply);
                if (!reply.code().isFound()) {
                    request = null;
                }
            }
            case End end -> request = null;
            case CheckReport report -> {
                log(ctx, report);
                request = null;
            }
            default -> {
            }
        }
        ctx.write(msg, promise);
    }

    private void log(ChannelHandlerContext ctx, Reply reply) {
        String line = oneLine(reply.code() + " " + subject(ctx) + ": " + reply.message());
        if (reply.code().isArchived() || reply.code().isFound() || reply.code() == ReplyCode.NOT_FOUND) {
            LOG.info(line);
        } else {
            LOG.warning(line);
        }
    }

    private String subject(ChannelHandlerContext ctx) {
        return request != null ? request + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)"
                : ClientName.of(ctx) + " at " + ctx.channel().remoteAddress();
    }

    /** A check that found a problem is as worth a look as a refused upload. */
    private void log(ChannelHandlerContext ctx, CheckReport report) {
        List<CheckItem> problems = report.items().stream().filter(item -> !item.passed()).toList();
        String line = oneLine("CHECKED " + subject(ctx) + ": " + (problems.isEmpty() ? "all " + report.items().size()
                + " checks passed" : problems.stream().map(CheckItem::line).collect(Collectors.joining("; "))));
        if (problems.isEmpty()) {
            LOG.info(line);
        } else {
            LOG.warning(line);
        }
    }

    /**
     * Names and messages carry what the client sent: a line break in them would let it write lines of its own
     * into the log, so control characters and line separators are shown as '?'.
     */
    private static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length());
        text.codePoints().forEach(c -> line.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? '?' : c));
        return line.toString();
    }
}
