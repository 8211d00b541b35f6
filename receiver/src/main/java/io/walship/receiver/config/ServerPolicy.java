package io.walship.receiver.config;

import io.walship.receiver.compress.Compression;
import java.util.Set;

/** One Barman server the receiver archives for: who may push and fetch, and how files are compressed. */
public record ServerPolicy(String name, Set<String> clients, Compression compression) {

    public boolean allows(String client) {
        return clients.contains(client);
    }
}
