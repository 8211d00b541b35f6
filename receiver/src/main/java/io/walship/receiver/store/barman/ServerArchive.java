package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.wal.WalPageHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** One Barman server's directory: its layout, xlog.db, codec and the cluster it belongs to. */
public final class ServerArchive {

    private final String name;
    private final Path serverDir;
    private final HashDirLayout layout;
    private final XlogDb xlogDb;
    private final Compression compression;
    private Identity identity;

    public ServerArchive(String name, Path serverDir, HashDirLayout layout, XlogDb xlogDb, Compression compression) {
        this.name = name;
        this.serverDir = serverDir;
        this.layout = layout;
        this.xlogDb = xlogDb;
        this.compression = compression;
    }

    public String name() {
        return name;
    }

    public HashDirLayout layout() {
        return layout;
    }

    public XlogDb xlogDb() {
        return xlogDb;
    }

    public Compression compression() {
        return compression;
    }

    /**
     * Accepts WAL only from the cluster this archive belongs to; the first segment pins it, as Barman's
     * backups do, so two clusters can never interleave their WAL in one archive.
     */
    public synchronized void checkCluster(String fileName, WalPageHeader header) throws IngestException {
        Path file = serverDir.resolve("identity.json");
        try {
            if (identity == null) {
                Optional<Identity> stored = Identity.read(file);
                if (stored.isPresent()) {
                    identity = stored.get();
                } else {
                    Identity pinned = new Identity(header.systemIdString(), header.majorVersion());
                    Durable.createDirectories(serverDir);
                    Durable.writeFile(file, pinned.toJson().getBytes(StandardCharsets.UTF_8));
                    identity = pinned;
                    return;
                }
            }
        } catch (IOException e) {
            throw new IngestException(io.walship.protocol.ReplyCode.FAILED, "cannot read or write " + file + ": "
                    + e.getMessage(), e);
        }
        if (!identity.systemId().equals(header.systemIdString())) {
            throw IngestException.rejected(fileName + " comes from PostgreSQL system identifier "
                    + header.systemIdString() + ", but server '" + name + "' archives system " + identity.systemId()
                    + " (" + file + "); check that this agent's 'server' setting names the right Barman server");
        }
    }
}
