package io.walship.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log format of walship's processes, one line per record: the time in ISO-8601 with its offset from UTC (so
 * that lines of hosts in different zones, or either side of a daylight-saving change, still compare), the level
 * and the message, e.g. {@code 2026-12-01T14:07:49.123+01:00 INFO message}. A logged exception follows with its
 * stack trace, which only a bug produces.
 */
public final class LogFormat extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private final ZoneId zone;

    LogFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** Call first in main: every handler of the root logger (stderr) writes this format from then on. */
    public static void install() {
        LogFormat format = new LogFormat(ZoneId.systemDefault());
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handler.setFormatter(format);
        }
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(TIME.format(record.getInstant().atZone(zone))).append(' ')
                .append(record.getLevel().getName()).append(' ').append(formatMessage(record))
                .append(System.lineSeparator());
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
