package io.walship.agent.spool;

import io.walship.fs.AtomicFile;
import io.walship.wal.WalFileName;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The spool directory of one server, {@code <spool_directory>/<server>}: how walship's processes on a PostgreSQL
 * host find each other's work. push (in the launcher and in Java), the agent, fetch and its read-ahead all go
 * by the names defined here and nowhere else; bin/lib/spool.sh mirrors the ones the launcher reads and
 * SpoolLayoutScriptTest holds the two together.
 *
 * <pre>
 * agent.pid                "PID DATADIR" of the running agent             {@link AgentPresence}
 * held                     the file that holds the agent back, and why    {@link AgentPresence}
 * last-failure             "TIME NAME" and the message of push's last failure  {@link LastFailure}
 * shipped/NAME             "SIZE SECONDS.NANOSECONDS" of NAME as shipped  {@link ShippedRecords}
 * .agent.lock, agent.log   the running agent's lock and, started by push, its output
 * NAME                     a segment read ahead for fetch; served only while verified/NAME matches it
 * verified/NAME            "SIZE SECONDS.NANOSECONDS INODE" of NAME, written durably once it was verified
 * asks/NAME.ID             the launcher's fetch asking the read-ahead for NAME (empty; ID: "PID-MICROS")
 * asks/NAME.ID.found       the answer: the verified file, for the launcher to rename into place
 * asks/NAME.ID.missing     the answer: the receiver, asked after the request, does not have NAME
 * asks/NAME.ID.failed      the answer: anything else, and why; the launcher's fetch then runs Java
 * prefetch.pid             "PID" of the read-ahead while it answers asks
 * .NAME.UUID.walship-tmp   a download under way (also beside pg_wal/RECOVERYXLOG)
 * .wanted                  "NAME SEGMENT_SIZE": the segment recovery asked for last
 * .prefetch.lock, prefetch.log  the running read-ahead's lock and output
 * .FILE.tmp                a small file being replaced (io.walship.fs.AtomicFile)
 * </pre>
 */
public record SpoolLayout(Path dir) {

    /** The spool_directory when the configuration sets none. */
    public static final Path DEFAULT_ROOT = Path.of("/var/spool/walship");
    public static final String AGENT_PID = "agent.pid";
    public static final String HELD = "held";
    public static final String LAST_FAILURE = "last-failure";
    public static final String SHIPPED = "shipped";
    public static final String AGENT_LOCK = ".agent.lock";
    public static final String AGENT_LOG = "agent.log";
    public static final String WANTED = ".wanted";
    public static final String PREFETCH_LOCK = ".prefetch.lock";
    public static final String PREFETCH_LOG = "prefetch.log";
    public static final String PREFETCH_PID = "prefetch.pid";
    public static final String VERIFIED = "verified";
    public static final String ASKS = "asks";
    public static final String FOUND_SUFFIX = ".found";
    public static final String MISSING_SUFFIX = ".missing";
    public static final String FAILED_SUFFIX = ".failed";
    /** Ends the name of a download under way; the prefetcher removes leftovers of one that died. */
    public static final String DOWNLOAD_SUFFIX = ".walship-tmp";
    /** Ends the name of a spooled segment being copied next to its destination on another file system. */
    public static final String COPY_SUFFIX = ".walship-spool";

    /** {@code <root>/<server>}. */
    public static SpoolLayout of(Path root, String server) {
        return new SpoolLayout(root.resolve(server));
    }

    public Path agentPid() {
        return dir.resolve(AGENT_PID);
    }

    public Path held() {
        return dir.resolve(HELD);
    }

    public Path lastFailure() {
        return dir.resolve(LAST_FAILURE);
    }

    public Path shippedDir() {
        return dir.resolve(SHIPPED);
    }

    public Path shipped(String name) {
        return shippedDir().resolve(name);
    }

    public Path agentLock() {
        return dir.resolve(AGENT_LOCK);
    }

    public Path agentLog() {
        return dir.resolve(AGENT_LOG);
    }

    /** Where the read-ahead keeps a verified segment until fetch takes it. */
    public Path segment(WalFileName name) {
        return dir.resolve(name.name());
    }

    /** The record that {@link #segment} was verified, read by the launcher before it serves the segment. */
    public Path verified(String name) {
        return verifiedDir().resolve(name);
    }

    public Path verifiedDir() {
        return dir.resolve(VERIFIED);
    }

    public Path asksDir() {
        return dir.resolve(ASKS);
    }

    public Path prefetchPid() {
        return dir.resolve(PREFETCH_PID);
    }

    public Path wanted() {
        return dir.resolve(WANTED);
    }

    public Path prefetchLock() {
        return dir.resolve(PREFETCH_LOCK);
    }

    public Path prefetchLog() {
        return dir.resolve(PREFETCH_LOG);
    }

    /** A fresh name for a download into {@code destination}, beside it: {@code .DEST.UUID.walship-tmp}. */
    public static Path downloadTemp(Path destination) {
        return destination.resolveSibling("." + destination.getFileName() + "." + UUID.randomUUID()
                + DOWNLOAD_SUFFIX);
    }

    /** The glob that matches the downloads of {@code name} under way in its directory. */
    public static String downloadsOf(String name) {
        return "." + name + ".*" + DOWNLOAD_SUFFIX;
    }

    public static boolean isDownload(String fileName) {
        return fileName.endsWith(DOWNLOAD_SUFFIX);
    }

    /** Where a spooled segment is copied beside {@code destination} before it is renamed into place. */
    public static Path copyTemp(Path destination) {
        return destination.resolveSibling("." + destination.getFileName() + COPY_SUFFIX);
    }
}
