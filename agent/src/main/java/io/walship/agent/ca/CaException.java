package io.walship.agent.ca;

import java.io.Serial;

/**
 * A certificate-tooling failure the operator can fix. The message is complete on its own: it names the
 * file or value at fault and says what to do, so the command line prints it as is.
 */
public final class CaException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
