package io.walship.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The records one class logs while a test runs, each as {@code LEVEL message}; closing stops the capture. */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    /** Held here so that the logger, and the handler added to it, outlive any garbage collection. */
    private final Logger logger;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (lines) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        logger.addHandler(handler);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public boolean contains(String text) {
        return lines().stream().anyMatch(line -> line.contains(text));
    }

    public String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
