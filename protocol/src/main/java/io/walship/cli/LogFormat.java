package io.walship.cli;

/** The one-line log format of walship's processes: date, time, level, message and the exception, if any. */
public final class LogFormat {

    private static final String PROPERTY = "java.util.logging.SimpleFormatter.format";
    private static final String FORMAT = "%1$tF %1$tT %4$s %5$s%6$s%n";

    private LogFormat() {
    }

    /** Call first in main, before any logger is created: java.util.logging reads the property once. */
    public static void install() {
        System.setProperty(PROPERTY, FORMAT);
    }
}
