package io.walship.receiver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.walship.protocol.CheckItem;
import io.walship.protocol.WireEncoding;
import io.walship.wal.WalFileName;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoreRouterTest {

    private static final WalFileName SEGMENT = WalFileName.parse("000000010000000000000001");

    /** Answers every check with its own name, and notes what it was asked. */
    private static final class NamedStore implements WalStore {
        final String name;
        final List<String> asked = new ArrayList<>();
        boolean closed;

        NamedStore(String name) {
            this.name = name;
        }

        @Override
        public Ingest begin(String server, WalFileName file, long size, long mtimeNanos, WireEncoding encoding) {
            asked.add("begin " + server);
            return null;
        }

        @Override
        public Optional<InputStream> openPlain(String server, WalFileName file) {
            asked.add("open " + server);
            return Optional.empty();
        }

        @Override
        public Optional<StoredZstd> openZstd(String server, WalFileName file) {
            asked.add("open zstd " + server);
            return Optional.empty();
        }

        @Override
        public List<CheckItem> check(String server, Optional<WalFileName> stored) {
            return List.of(CheckItem.ok(name));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final NamedStore barman = new NamedStore("barman");
    private final NamedStore bucket = new NamedStore("bucket");

    private StoreRouter router() {
        Map<WalStore, Set<String>> stores = new LinkedHashMap<>();
        stores.put(barman, Set.of("pg"));
        stores.put(bucket, Set.of("pg-cloud"));
        return new StoreRouter(stores);
    }

    @Test
    void eachRequestGoesToTheStoreOfItsServer() throws IngestException {
        StoreRouter router = router();

        router.begin("pg", SEGMENT, 1 << 20, 0);
        router.openPlain("pg-cloud", SEGMENT);
        router.openZstd("pg-cloud", SEGMENT);

        assertEquals(List.of("begin pg"), barman.asked);
        assertEquals(List.of("open pg-cloud", "open zstd pg-cloud"), bucket.asked);
        assertEquals("bucket", router.check("pg-cloud", Optional.empty()).getFirst().name());
    }

    @Test
    void anUnknownServerIsRefused() {
        StoreRouter router = router();

        IngestException e = assertThrows(IngestException.class, () -> router.begin("nope", SEGMENT, 1 << 20, 0));

        assertEquals(Optional.of(Rejection.UNKNOWN_SERVER), e.outcome().rejection());
        assertEquals(CheckItem.Status.FAILED, router.check("nope", Optional.empty()).getFirst().status());
    }

    @Test
    void closingClosesEveryStore() {
        router().close();

        assertEquals(true, barman.closed && bucket.closed);
    }

    @Test
    void aServerInTwoStoresIsAMistake() {
        Map<WalStore, Set<String>> stores = new LinkedHashMap<>();
        stores.put(barman, Set.of("pg"));
        stores.put(bucket, Set.of("pg"));

        assertThrows(IllegalArgumentException.class, () -> new StoreRouter(stores));
    }
}
