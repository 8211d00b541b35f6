package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.config.IniSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The {@code status_socket} setting: the Unix socket a running receiver answers {@code walship receiver-status}
 * on. By default a hidden file in barman_home, which the receiver's user (Barman's) owns and Barman ignores.
 */
final class StatusSocketPath {

    static final String KEY = "status_socket";
    static final String DEFAULT_NAME = ".walship-receiver.sock";
    /** sun_path holds 108 bytes, the terminating NUL included. */
    private static final int MAX_BYTES = 107;

    private StatusSocketPath() {
    }

    static Path of(IniSection receiver, Path barmanHome) throws ConfigException {
        Path socket = receiver.optional(KEY).map(receiver::path).orElse(barmanHome.resolve(DEFAULT_NAME));
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_BYTES) {
            throw new ConfigException(receiver.where(KEY) + ": the status socket " + socket + " is " + length
                    + " bytes long, and a Unix socket's path can be " + MAX_BYTES + " at most; set " + KEY + " to a "
                    + "shorter path");
        }
        return socket;
    }
}
