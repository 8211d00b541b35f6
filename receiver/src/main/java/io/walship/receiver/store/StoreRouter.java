package io.walship.receiver.store;

import io.walship.protocol.CheckItem;
import io.walship.protocol.WireEncoding;
import io.walship.wal.WalFileName;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The one store the network side sees, handing each request to the store of its server. */
public final class StoreRouter implements WalStore {

    private final Map<String, WalStore> byServer = new LinkedHashMap<>();
    private final List<WalStore> stores;

    /** Each store with the names of the servers it stores. */
    public StoreRouter(Map<WalStore, Set<String>> stores) {
        stores.forEach((store, servers) -> servers.forEach(server -> {
            if (byServer.putIfAbsent(server, store) != null) {
                throw new IllegalArgumentException("server '" + server + "' is in two stores");
            }
        }));
        this.stores = List.copyOf(stores.keySet());
    }

    @Override
    public Ingest begin(String server, WalFileName name, long size, long mtimeNanos, WireEncoding encoding)
            throws IngestException {
        return storeOf(server).begin(server, name, size, mtimeNanos, encoding);
    }

    @Override
    public Optional<InputStream> openPlain(String server, WalFileName name) throws IngestException {
        return storeOf(server).openPlain(server, name);
    }

    @Override
    public Optional<StoredZstd> openZstd(String server, WalFileName name) throws IngestException {
        return storeOf(server).openZstd(server, name);
    }

    @Override
    public List<CheckItem> check(String server, Optional<WalFileName> stored) {
        WalStore store = byServer.get(server);
        if (store == null) {
            return List.of(CheckItem.failed("server", IngestException.noSuchServer(server)));
        }
        return store.check(server, stored);
    }

    private WalStore storeOf(String server) throws IngestException {
        WalStore store = byServer.get(server);
        if (store == null) {
            throw IngestException.unknownServer(server);
        }
        return store;
    }

    @Override
    public void close() {
        stores.forEach(WalStore::close);
    }
}
