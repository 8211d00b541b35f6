package io.walship.receiver.config;

import io.walship.receiver.compress.Compression;
import java.nio.file.Path;
import java.util.Set;

/**
 * One Barman server the receiver archives for, everything about it in one place: who may push and fetch, how its
 * WAL is compressed, where Barman keeps its files and which xlog.db the installed Barman reads.
 *
 * @param clients the certificate names (CN) allowed to push and fetch
 * @param compressionSource where the compression setting comes from, for messages
 */
public record BarmanServer(String name, Set<String> clients, Compression compression, String compressionSource,
        ServerDirectories directories, XlogDbGeneration generation) implements ArchivedServer {

    BarmanServer compressedBy(Compression newCompression, String source) {
        return new BarmanServer(name, clients, newCompression, source, directories, generation);
    }

    BarmanServer readBy(XlogDbGeneration newGeneration) {
        return new BarmanServer(name, clients, compression, compressionSource, directories, newGeneration);
    }

    /** {@code <wals_directory>/xlog.db}, read by Barman 3.12 and older. */
    public Path walsXlogDb() {
        return directories.walsDirectory().resolve("xlog.db");
    }

    /** {@code <xlogdb_directory>/<server>-xlog.db}, read by Barman 3.13 and later. */
    public Path serverXlogDb() {
        return directories.xlogdbDirectory().resolve(name + "-xlog.db");
    }

    /** The file Barman flocks around every xlog.db access. */
    public Path lockFile() {
        return directories.lockDirectory().resolve("." + name + "-xlogdb.lock");
    }

    /** Barman's record of the PostgreSQL cluster the server belongs to. */
    public Path identityFile() {
        return directories.backupDirectory().resolve("identity.json");
    }
}
