package io.walship.receiver.config;

import java.util.Set;

/** A server the receiver archives for, whatever holds its WAL: who may push and fetch for it. */
public sealed interface ArchivedServer permits BarmanServer, CloudServer {

    String name();

    /** The certificate names (CN) allowed to push and fetch. */
    Set<String> clients();

    default boolean allows(String client) {
        return clients().contains(client);
    }
}
