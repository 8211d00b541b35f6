package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One server's WAL in a bucket, where barman-cloud-wal-archive puts it ({@code <prefix>/<server>/wals/}), as the
 * tests read it with a client of their own.
 */
record CloudWalDirectory(S3Client client, String bucket, String prefix, String server) {

    /**
     * The key of an archived file: {@code <prefix>/<server>/wals/<hash>/<name><suffix>}, a history file directly
     * in {@code wals/}, the suffix the compression's ({@code .gz} for gzip).
     */
    String keyOf(String name, String suffix) {
        String dir = name.endsWith(".history") ? "" : name.substring(0, 16) + "/";
        return walsPrefix() + dir + name + suffix;
    }

    String walsPrefix() {
        return prefix + "/" + server + "/wals/";
    }

    /** Every key under {@code wals/}, in the listing's order. */
    List<String> walKeys() {
        return client.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(walsPrefix())).contents().stream()
                .map(S3Object::key).toList();
    }

    /**
     * Asserts that {@code wals/} holds one gzip object under barman-cloud's key for each file in {@code archive} and
     * nothing else, each decompressing to that file; returns the names by key.
     */
    Map<String, String> assertHoldsGzipped(Path archive) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(archive)) {
            files.map(p -> p.getFileName().toString()).forEach(name -> expected.put(keyOf(name, ".gz"), name));
        }
        assertEquals(List.copyOf(expected.keySet()), walKeys().stream().sorted().toList(),
                "expected exactly one object per archived file under " + walsPrefix());
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            byte[] stored = object(entry.getKey());
            assertEquals(StoredCodec.GZIP, StoredCodec.sniff(stored), "expected " + entry.getKey() + " gzipped");
            assertArrayEquals(Files.readAllBytes(archive.resolve(entry.getValue())), StoredCodec.decompress(stored),
                    "expected " + entry.getKey() + " to decompress to the archived " + entry.getValue());
        }
        return expected;
    }

    byte[] object(String key) {
        return client.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
    }

    /** Every object of the whole bucket with its ETag and size: what a push must not change. */
    Map<String, String> bucketState() {
        Map<String, String> state = new TreeMap<>();
        client.listObjectsV2Paginator(l -> l.bucket(bucket)).contents()
                .forEach(o -> state.put(o.key(), o.eTag() + " " + o.size()));
        return state;
    }
}
