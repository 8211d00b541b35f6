package io.walship.receiver.net;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records logged anywhere while it is attached to the root logger, as {@code LEVEL message} lines, with the
 * durations the access log prints ({@code (12 ms)}) written as {@code (N ms)} so that a test can expect them.
 */
final class CapturedLog extends Handler implements AutoCloseable {

    private final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();

    private CapturedLog() {
        setLevel(Level.ALL);
    }

    static CapturedLog attach() {
        CapturedLog log = new CapturedLog();
        Logger.getLogger("").addHandler(log);
        return log;
    }

    /** The lines logged at {@code level} or above by loggers whose name starts with {@code source}. */
    List<String> lines(Level level, String source) {
        return records.stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue())
                .filter(r -> r.getLoggerName() != null && r.getLoggerName().startsWith(source))
                .map(r -> r.getLevel() + " " + r.getMessage().replaceAll("\\(\\d+ ms\\)", "(N ms)"))
                .toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
