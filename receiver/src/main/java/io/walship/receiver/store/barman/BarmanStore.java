package io.walship.receiver.store.barman;

import io.walship.protocol.CheckItem;
import io.walship.protocol.ReplyCode;
import io.walship.protocol.WireEncoding;
import io.walship.receiver.compress.Compression;
import io.walship.receiver.config.BarmanServer;
import io.walship.receiver.config.ConfiguredServers;
import io.walship.receiver.store.DecodingIngest;
import io.walship.receiver.store.Ingest;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Rejection;
import io.walship.receiver.store.StoreEvents;
import io.walship.receiver.store.StoredZstd;
import io.walship.receiver.store.UploadTemps;
import io.walship.receiver.store.WalStore;
import io.walship.receiver.store.check.FailingStream;
import io.walship.receiver.store.check.UploadSize;
import io.walship.receiver.store.check.VerifiedPlain;
import io.walship.wal.WalFileName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Stores WAL the way Barman archives it, in each server's wals_directory (by default
 * {@code <barman_home>/<server>/wals}). The servers are the ones it started with; each upload is compressed as
 * its server is configured when it begins, which a reload may change.
 */
public final class BarmanStore implements WalStore {

    private static final Logger LOG = Logger.getLogger(BarmanStore.class.getName());

    /** How long stopping waits for commits under way, some of which may be waiting for Barman's lock. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ConfiguredServers configured;
    private final Map<String, ServerArchive> servers = new LinkedHashMap<>();
    private final StoreEvents events;
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();
    /**
     * Commits wait for each server's lock, for as long as lock_timeout when Barman holds it: one virtual thread
     * each, so that a server whose lock is busy occupies no thread that another server's uploads, a TLS handshake
     * or a download needs. Their number is bounded by the uploads the receiver admits.
     */
    private final ExecutorService commits = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("walship-commit-", 0).factory());

    /** A store whose lock waits and stored files nobody counts. */
    public BarmanStore(Collection<BarmanServer> servers, Duration lockTimeout) {
        this(ConfiguredServers.of(servers), lockTimeout, StoreEvents.NONE);
    }

    public BarmanStore(ConfiguredServers configured, Duration lockTimeout, StoreEvents events) {
        this.configured = configured;
        this.events = events;
        for (BarmanServer server : configured.now().values()) {
            this.servers.put(server.name(), new ServerArchive(server, new XlogDb(server, lockTimeout, events)));
        }
    }

    /**
     * Removes what uploads that died with a receiver left in the servers' wals directories (temp files nothing has
     * changed for {@code idle}); one log line per server that had any.
     */
    public void sweepUnfinishedUploads(Duration idle) throws IOException {
        for (ServerArchive archive : servers.values()) {
            Path wals = archive.layout().walsDir();
            UploadTemps.Swept swept = UnfinishedUploads.sweep(wals, idle);
            if (swept.files() > 0) {
                LOG.info("removed " + swept.files() + " unfinished uploads (" + swept.bytes() + " bytes) that a "
                        + "stopped receiver left under " + wals);
            }
        }
    }

    /**
     * Indexes the stored files a receiver that stopped between a rename and its index line left unlisted, or moves
     * them aside when they are damaged, in every server not reconciled yet; one whose lock stays busy is tried
     * again on the next call.
     */
    public void reconcileUnindexedFiles() {
        for (ServerArchive archive : servers.values()) {
            if (reconciled.contains(archive.name())) {
                continue;
            }
            try {
                UnindexedFiles.Reconciled result = UnindexedFiles.reconcile(archive, archive.errorsDirectory(),
                        Clock.systemUTC());
                reconciled.add(archive.name());
                if (result.indexed() + result.movedAside() > 0) {
                    LOG.info("server '" + archive.name() + "': indexed " + result.indexed() + " stored files the "
                            + "index did not list, moved " + result.movedAside() + " damaged ones to "
                            + archive.errorsDirectory());
                }
                if (result.checksumsDropped() > 0) {
                    LOG.info("server '" + archive.name() + "': dropped " + result.checksumsDropped() + " lines of "
                            + "files no longer stored from " + archive.checksums().file());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning("server '" + archive.name() + "': cannot check for stored files the index does not "
                        + "list (" + e.getMessage() + "); trying again later");
            }
        }
    }

    @Override
    public Ingest begin(String server, WalFileName name, long size, long mtimeNanos, WireEncoding encoding)
            throws IngestException {
        ServerArchive archive = servers.get(server);
        BarmanServer current = configured.get(server);
        if (archive == null || current == null) {
            throw IngestException.rejected(Rejection.UNKNOWN_SERVER, "the receiver has no server '" + server
                    + "'; add a [" + server
                    + "] section to its configuration or fix the agent's 'server' setting");
        }
        UploadSize.check(name, size);
        if (!XlogDbLine.isIndexable(mtimeNanos)) {
            throw IngestException.rejected(Rejection.BAD_TIME, name.name() + " has the modification time "
                    + mtimeNanos + " ns after 1970, which no WAL file is written at (expected "
                    + XlogDbLine.indexableRange() + "); check the clock of the PostgreSQL host");
        }
        Path stored = archive.layout().pathOf(name);
        boolean zstdSent = encoding == WireEncoding.ZSTD;
        Ingest plain;
        if (Files.exists(stored)) {
            plain = new ComparingIngest(archive, commits, name, size, mtimeNanos, stored);
        } else {
            // The agent compressed with the receiver's own parameters (WalZstd): compress once, keep its frame.
            boolean keepsAsSent = zstdSent && current.compression() == Compression.ZSTD;
            plain = new BarmanIngest(archive, current.compression(), keepsAsSent, commits, events, name, size,
                    mtimeNanos);
        }
        return zstdSent ? new DecodingIngest(plain, name, size) : plain;
    }

    @Override
    public void close() {
        commits.shutdown();
        try {
            if (!commits.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("stopping with uploads still waiting for Barman's lock; their agents retry them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<CheckItem> check(String server, Optional<WalFileName> stored) {
        ServerArchive archive = servers.get(server);
        if (archive == null) {
            return List.of(CheckItem.failed("server", IngestException.noSuchServer(server)));
        }
        return new ArchiveCheck(archive.server(), archive.layout()).run(stored);
    }

    @Override
    public Optional<InputStream> openPlain(String server, WalFileName name) throws IngestException {
        ServerArchive archive = archiveOf(server);
        return read(archive, name, stored -> Optional.of(verified(archive, name, stored)));
    }

    private ServerArchive archiveOf(String server) throws IngestException {
        ServerArchive archive = servers.get(server);
        if (archive == null) {
            throw IngestException.unknownServer(server);
        }
        return archive;
    }

    /**
     * Only a file walship stored zstd (its sum says so) whose first bytes still are a zstd frame's: the agent holds
     * the frame's plain bytes against the recorded sum, and finds damage past the first bytes itself.
     */
    @Override
    public Optional<StoredZstd> openZstd(String server, WalFileName name) throws IngestException {
        ServerArchive archive = archiveOf(server);
        Optional<PlainChecksums.Sum> sum;
        try {
            sum = archive.checksums().of(name.name()).filter(recorded -> recorded.codec() == Compression.ZSTD);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(archive.layout().pathOf(name), e);
        }
        if (sum.isEmpty()) {
            return Optional.empty();
        }
        return read(archive, name, stored -> {
            byte[] head = Compression.head(stored);
            return Compression.sniff(head, head.length) == Compression.ZSTD
                    ? Optional.of(new StoredZstd(stored, sum.get().crc32c())) : Optional.empty();
        });
    }

    /** What is made of a stored file's stream; empty to close it unused. */
    @FunctionalInterface
    private interface StoredRead<T> {
        Optional<T> from(BufferedInputStream stored) throws IOException;
    }

    /** {@code read} of the stored file of {@code name}: empty when it is not stored, FAILED when it cannot be read. */
    private static <T> Optional<T> read(ServerArchive archive, WalFileName name, StoredRead<T> read)
            throws IngestException {
        // The name was parsed as a WAL file name, so the path cannot leave the server's wals directory.
        Path file = archive.layout().pathOf(name);
        try {
            BufferedInputStream stored = Compression.buffered(Files.newInputStream(file));
            try {
                Optional<T> made = read.from(stored);
                if (made.isEmpty()) {
                    stored.close();
                }
                return made;
            } catch (IOException | RuntimeException e) {
                stored.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static IngestException unreadable(Path file, IOException e) {
        return new IngestException(ReplyCode.FAILED, "cannot read " + file + ": " + e.getMessage(), e);
    }

    /**
     * The plain bytes, checked against what was recorded when the file was stored; a file whose codec is not the
     * one it was stored with (its first bytes damaged) fails at its first read rather than being served as plain.
     * Files stored before checksums were recorded get what can be checked without them: a segment that reads as
     * plain must start with a WAL page header.
     */
    private static InputStream verified(ServerArchive archive, WalFileName name, BufferedInputStream in)
            throws IOException {
        byte[] head = Compression.head(in);
        Compression codec = Compression.sniff(head, head.length);
        Optional<PlainChecksums.Sum> sum = archive.checksums().of(name.name());
        if (sum.isPresent()) {
            if (sum.get().codec() != codec) {
                return new FailingStream(in, name.name() + " was stored " + sum.get().codec().configName + " but now "
                        + "reads as " + codec.configName + ": its first bytes are damaged");
            }
            return new VerifiedPlain(codec.decompress(in), name.name(), sum.get().size(),
                    sum.get().crc32c());
        }
        if (codec == Compression.NONE && name.kind().hasWalHeader() && head.length >= 2
                && ((head[1] & 0xF0) != 0xD0)) {
            return new FailingStream(in, name.name() + " neither decodes as zstd, gzip or bzip2 nor starts with a WAL "
                    + "page header: it is damaged");
        }
        return codec.decompress(in);
    }
}
