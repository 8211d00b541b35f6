package io.walship.protocol;

/** Defaults both ends agree on without configuration. */
public final class Defaults {

    /** TCP port of the receiver when a config gives a host without one. */
    public static final int PORT = 9433;

    private Defaults() {
    }
}
