package io.walship.agent.net;

import java.io.IOException;

/**
 * The connection ended, or went silent, before the receiver answered: nothing was acknowledged, so another
 * receiver may be asked.
 */
final class NoAnswer extends IOException {

    NoAnswer(String message) {
        super(message);
    }
}
