package io.walship.receiver.store.barman;

import io.walship.fs.AtomicFile;
import io.walship.fs.Durable;
import io.walship.protocol.ReplyCode;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Outcome;
import io.walship.receiver.store.check.ClusterGuard;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;

/** One Barman server's archive: its layout, xlog.db, codec and the cluster it belongs to. */
public final class ServerArchive implements ClusterGuard {

    private static final Logger LOG = Logger.getLogger(ServerArchive.class.getName());

    private final BarmanServer server;
    private final HashDirLayout layout;
    private final XlogDb xlogDb;
    private final PlainChecksums checksums;
    private Identity identity;

    public ServerArchive(BarmanServer server, XlogDb xlogDb) {
        this.server = server;
        this.layout = new HashDirLayout(server.directories().walsDirectory());
        this.xlogDb = xlogDb;
        this.checksums = new PlainChecksums(server.directories().backupDirectory());
    }

    public String name() {
        return server.name();
    }

    public BarmanServer server() {
        return server;
    }

    public HashDirLayout layout() {
        return layout;
    }

    public XlogDb xlogDb() {
        return xlogDb;
    }

    /**
     * A stored file found sound (an upload matched its bytes, or the start-up read it through): it gets its checksum
     * line and its index line if a crash or an error left it without them, indexed with its own time or, where
     * that makes no index line, {@code fallbackNanos}. Only under {@link #xlogDb}'s lock.
     */
    void record(String name, Path stored, PlainChecksums.Sum sum, long fallbackNanos) throws IOException {
        makeDurable(stored);
        if (checksums.of(name).isEmpty()) {
            checksums.add(name, sum);
        }
        if (!xlogDb.contains(name)) {
            xlogDb.append(XlogDbLine.of(stored, IndexTime.of(stored, fallbackNanos)));
        }
    }

    /** The answer to an upload whose name is archived with other content. */
    Outcome conflict(String fileName) {
        return new Outcome(ReplyCode.CONFLICT, fileName + " is already archived for server '" + server.name()
                + "' with different content; the archived file was left untouched. Check that only one cluster "
                + "archives to this server");
    }

    /** The answer to an upload whose name is archived with the same content. */
    static Outcome alreadyStored(String fileName) {
        return new Outcome(ReplyCode.ALREADY_STORED, fileName + " was already archived with identical content");
    }

    /**
     * A stored file is indexed only once its bytes and its name are on disk: the rename of an upload a crash cut
     * short may still be in the page cache only.
     */
    static void makeDurable(Path stored) throws IOException {
        Durable.syncFile(stored);
        Durable.syncDirectory(stored.getParent());
    }

    /** What each stored file held when it was stored; written under {@link #xlogDb}'s lock. */
    PlainChecksums checksums() {
        return checksums;
    }

    /** Where files that do not belong in the archive are moved aside, for barman check to report. */
    public Path errorsDirectory() {
        return server.directories().errorsDirectory();
    }

    /**
     * Accepts WAL only from the cluster this archive belongs to, so two clusters can never interleave their
     * WAL in one archive, and only in that cluster's segment size and WAL format, since a segment's name means
     * an LSN only with its size. An archive with no identity yet accepts any cluster until {@link #pin}.
     */
    @Override
    public synchronized void checkCluster(String fileName, WalPageHeader header) throws IngestException {
        Optional<Identity> known = identity();
        if (known.isEmpty()) {
            return;
        }
        known.get().check(fileName, header, server.name(), identityFile().toString(), "Barman server");
    }

    /**
     * Pins the cluster of a segment just stored and indexed, under the index's lock, as Barman's backups do:
     * only a file durably stored pins, so a first upload that failed or conflicted leaves the archive open. An
     * identity.json without walship's fields (Barman wrote it) gets them added. The file is stored either way:
     * a pin that cannot be written is logged and tried again with the next segment.
     */
    public synchronized void pin(WalPageHeader header) {
        try {
            Optional<Identity> known = identity();
            if (known.isPresent() && known.get().isComplete()) {
                return;
            }
            Identity pinned = Identity.of(header);
            String json = known.isPresent()
                    ? pinned.completing(identityFile(), Files.readString(identityFile(), StandardCharsets.UTF_8))
                    : pinned.toJson();
            Durable.createDirectories(server.directories().backupDirectory());
            AtomicFile.replaceDurably(identityFile(), json.getBytes(StandardCharsets.UTF_8));
            identity = Identity.parse(identityFile(), json);
            LOG.info("server '" + server.name() + "' archives PostgreSQL system " + pinned.systemId() + " ("
                    + Identity.mib(header.segmentSize()) + " segments, WAL magic " + Identity.hex(header.magic()) + "), pinned in "
                    + identityFile());
        } catch (IOException | IngestException e) {
            LOG.warning("cannot pin server '" + server.name() + "' to PostgreSQL system " + header.systemIdString()
                    + " in " + identityFile() + " (" + e.getMessage() + "); trying again with the next segment");
        }
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
