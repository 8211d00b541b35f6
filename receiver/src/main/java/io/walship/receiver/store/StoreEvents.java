package io.walship.receiver.store;

/** What the store tells the receiver's metrics: facts only it sees, of each server. */
public interface StoreEvents {

    /** Events nobody watches (walship verify, tests of the store alone). */
    StoreEvents NONE = new StoreEvents() {
        @Override
        public void lockWaited(String server, long nanos) {
        }

        @Override
        public void stored(String server, long storedBytes) {
        }
    };

    /** An upload waited {@code nanos} for the server's xlog.db lock, whether it got it or gave up. */
    void lockWaited(String server, long nanos);

    /** A new file is durably stored and indexed, taking {@code storedBytes} in the archive. */
    void stored(String server, long storedBytes);
}
