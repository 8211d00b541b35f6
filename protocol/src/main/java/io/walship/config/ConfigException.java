package io.walship.config;

/** A configuration problem, worded for the person who edits the file: where, what, what is expected. */
public class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
