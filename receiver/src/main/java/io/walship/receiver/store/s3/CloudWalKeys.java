package io.walship.receiver.store.s3;

import io.walship.receiver.compress.CloudCompression;
import io.walship.receiver.store.barman.HashDirLayout;
import io.walship.wal.WalFileName;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where barman-cloud keeps a server's WAL in a bucket (barman-cloud-wal-archive 3.4):
 * {@code <prefix>/<server>/wals/<hash>/<name><suffix>}, the hash directory as Barman's ({@code %08X%08X} of
 * timeline and log), history files directly in {@code wals/} (Barman's {@code hash_dir} is empty for them), the
 * suffix that of the codec ({@code .gz}, {@code .bz2}, {@code .snappy}, none). Without a prefix the keys start
 * with the server.
 *
 * @param prefix the path of {@code s3://bucket/path} without slashes at either end; may be empty
 */
public record CloudWalKeys(String prefix, String server) {

    public CloudWalKeys {
        if (prefix.startsWith("/") || prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix without slashes at its ends, not " + prefix);
        }
    }

    /** {@code <prefix>/<server>/}: everything of the server, as barman-cloud's destination URL names it. */
    public String serverPrefix() {
        return (prefix.isEmpty() ? "" : prefix + "/") + server + "/";
    }

    /** The "directory" that holds {@code name}, ending in a slash, as barman-cloud-wal-restore lists it. */
    public String directoryOf(WalFileName name) {
        String wals = serverPrefix() + "wals/";
        return name.kind() == WalFileName.Kind.HISTORY ? wals : wals + HashDirLayout.hashDir(name) + "/";
    }

    /** The key of {@code name} stored with {@code compression}. */
    public String keyOf(WalFileName name, CloudCompression compression) {
        return directoryOf(name) + name.name() + compression.suffix;
    }

    /** Every key {@code name} may be stored under, whatever codec stored it. */
    public List<String> candidates(WalFileName name) {
        return Arrays.stream(CloudCompression.values()).map(c -> keyOf(name, c)).toList();
    }

    /** The codec of a key that is one of {@code name}'s {@link #candidates}, told by its suffix. */
    public Optional<CloudCompression> compressionOf(WalFileName name, String key) {
        return Arrays.stream(CloudCompression.values()).filter(c -> key.equals(keyOf(name, c))).findFirst();
    }

    /**
     * The WAL file a key is of, when it is one of that file's {@link #candidates}; empty for a key where
     * barman-cloud-wal-restore would not look for any file.
     */
    public Optional<WalFileName> nameOf(String key) {
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        return Arrays.stream(CloudCompression.values()).filter(c -> fileName.endsWith(c.suffix))
                .map(c -> fileName.substring(0, fileName.length() - c.suffix.length()))
                .filter(WalFileName::isValid).map(WalFileName::parse)
                .filter(name -> candidates(name).contains(key)).findFirst();
    }

    /** Where walship pins the cluster the server's WAL belongs to, beside {@code wals/} (barman-cloud reads none). */
    public String identityKey() {
        return serverPrefix() + "walship-identity.json";
    }
}
