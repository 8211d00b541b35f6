package io.walship.agent.net;

import java.io.IOException;

/** The receiver answered BUSY: it did nothing, so another receiver may be asked at once. */
final class ReceiverBusy extends IOException {

    ReceiverBusy(String message) {
        super(message);
    }
}
