package io.walship.receiver.store.barman;

import io.walship.fs.AtomicFile;
import io.walship.fs.Durable;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.store.IngestException;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** One Barman server's archive: its layout, xlog.db, codec and the cluster it belongs to. */
public final class ServerArchive {

    private final BarmanServer server;
    private final HashDirLayout layout;
    private final XlogDb xlogDb;
    private Identity identity;

    public ServerArchive(BarmanServer server, XlogDb xlogDb) {
        this.server = server;
        this.layout = new HashDirLayout(server.directories().walsDirectory());
        this.xlogDb = xlogDb;
    }

    public String name() {
        return server.name();
    }

    public HashDirLayout layout() {
        return layout;
    }

    public XlogDb xlogDb() {
        return xlogDb;
    }

    public Compression compression() {
        return server.compression();
    }

    /**
     * Accepts WAL only from the cluster this archive belongs to, so two clusters can never interleave their
     * WAL in one archive. An archive with no identity yet accepts any cluster until {@link #pin}.
     */
    public synchronized void checkCluster(String fileName, WalPageHeader header) throws IngestException {
        Optional<Identity> known = identity();
        if (known.isPresent() && !known.get().systemId().equals(header.systemIdString())) {
            throw IngestException.rejected(fileName + " comes from PostgreSQL system identifier "
                    + header.systemIdString() + ", but server '" + server.name() + "' archives system "
                    + known.get().systemId() + " (" + identityFile() + "); check that this agent's 'server' "
                    + "setting names the right Barman server");
        }
    }

    /** Pins the cluster of the first verified segment, as Barman's backups do, unless one is pinned already. */
    public synchronized void pin(String fileName, WalPageHeader header) throws IngestException {
        checkCluster(fileName, header);
        if (identity != null) {
            return;
        }
        Identity pinned = new Identity(header.systemIdString(), header.majorVersion());
        try {
            Durable.createDirectories(server.directories().backupDirectory());
            AtomicFile.replaceDurably(identityFile(), pinned.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IngestException(ReplyCode.FAILED, "cannot write " + identityFile() + ": " + e.getMessage(), e);
        }
        identity = pinned;
    }

    private Optional<Identity> identity() throws IngestException {
        if (identity == null) {
            try {
                identity = Identity.read(identityFile()).orElse(null);
            } catch (IOException e) {
                throw new IngestException(ReplyCode.FAILED, "cannot read " + identityFile() + ": "
                        + e.getMessage(), e);
            }
        }
        return Optional.ofNullable(identity);
    }

    private Path identityFile() {
        return server.identityFile();
    }
}
