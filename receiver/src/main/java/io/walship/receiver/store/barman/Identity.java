package io.walship.receiver.store.barman;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.walship.receiver.store.IngestException;
import io.walship.receiver.store.Rejection;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A server's {@code identity.json} in Barman's format, {@code {"systemid": "...", "version": "15"}}: the
 * PostgreSQL cluster this archive belongs to, plus what walship pins beside it: the cluster's WAL segment size
 * and page magic, without which a segment of another size would land where its name means another LSN. Barman
 * reads only the fields it knows ({@code json.load}, then {@code .get("systemid")}) and never rewrites an
 * existing file, so the extra fields stay.
 */
public record Identity(String systemId, String version, OptionalLong segmentSize, OptionalInt magic) {

    static final String SYSTEM_ID = "systemid";
    static final String VERSION = "version";
    static final String SEGMENT_SIZE = "walship_wal_segment_size";
    static final String MAGIC = "walship_xlog_page_magic";

    /** What the first stored segment of a cluster says about it. */
    public static Identity of(WalPageHeader header) {
        return new Identity(header.systemIdString(), header.majorVersion(), OptionalLong.of(header.segmentSize()),
                OptionalInt.of(header.magic()));
    }

    public static Optional<Identity> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(file, Files.readString(file, StandardCharsets.UTF_8)));
    }

    /** The identity in {@code json}, the content of {@code file}; Barman writes the system identifier as a string. */
    public static Identity parse(Path file, String json) throws IOException {
        ObjectNode object = PythonJson.readObject(file, json);
        JsonNode systemId = object.path(SYSTEM_ID);
        if (!(systemId.isIntegralNumber() || systemId.isTextual() && systemId.asText().matches("\\d+"))) {
            throw new IOException(file + " has no \"" + SYSTEM_ID + "\" of digits; fix or remove it");
        }
        JsonNode version = object.path(VERSION);
        JsonNode segmentSize = object.path(SEGMENT_SIZE);
        JsonNode magic = object.path(MAGIC);
        return new Identity(systemId.asText(), version.isValueNode() ? version.asText() : "",
                segmentSize.isIntegralNumber() && segmentSize.canConvertToLong()
                        ? OptionalLong.of(segmentSize.longValue()) : OptionalLong.empty(),
                magic.isIntegralNumber() && magic.canConvertToInt() ? OptionalInt.of(magic.intValue())
                        : OptionalInt.empty());
    }

    /** Whether walship pinned everything it checks; an identity.json Barman wrote has the system only. */
    public boolean isComplete() {
        return segmentSize.isPresent() && magic.isPresent();
    }

    /** A new identity.json, as Barman would write it, with walship's fields after Barman's. */
    public String toJson() {
        ObjectNode object = PythonJson.newObject().put(SYSTEM_ID, systemId).put(VERSION, version);
        return PythonJson.write(addedTo(object));
    }

    /**
     * {@code json}, the content of {@code file} that Barman wrote for this system, with walship's fields added
     * after the ones there, which stay as they are.
     */
    String completing(Path file, String json) throws IOException {
        return PythonJson.write(addedTo(PythonJson.readObject(file, json)));
    }

    private ObjectNode addedTo(ObjectNode object) {
        if (!object.has(SEGMENT_SIZE)) {
            segmentSize.ifPresent(size -> object.put(SEGMENT_SIZE, size));
        }
        if (!object.has(MAGIC)) {
            magic.ifPresent(value -> object.put(MAGIC, value));
        }
        return object;
    }

    /**
     * Refuses a segment of another cluster, segment size or WAL format than this identity's, since a segment's name
     * means an LSN only with its size; {@code where} names where the identity is kept, {@code kind} what kind of
     * server a different cluster needs.
     */
    public void check(String fileName, WalPageHeader header, String server, String where, String kind)
            throws IngestException {
        if (!systemId.equals(header.systemIdString())) {
            throw IngestException.rejected(Rejection.OTHER_SYSTEM, fileName + " comes from PostgreSQL system "
                    + "identifier " + header.systemIdString() + ", but server '" + server + "' archives system "
                    + systemId + " (" + where + "); check that this agent's 'server' setting names the right "
                    + kind);
        }
        if (segmentSize.isPresent() && segmentSize.getAsLong() != header.segmentSize()) {
            throw IngestException.rejected(Rejection.SEGMENT_SIZE, fileName + " is a WAL segment of "
                    + mib(header.segmentSize()) + ", but server '" + server + "' archives system " + systemId
                    + " in segments of " + mib(segmentSize.getAsLong()) + " (" + where + "), where this name means "
                    + "another position in the WAL; a cluster whose segment size changed needs a " + kind + " of "
                    + "its own");
        }
        if (magic.isPresent() && magic.getAsInt() != header.magic()) {
            throw IngestException.rejected(Rejection.WAL_MAGIC, fileName + " carries WAL page magic "
                    + hex(header.magic()) + ", but server '" + server + "' archives system " + systemId
                    + " with magic " + hex(magic.getAsInt()) + " (" + where + "); WAL of another PostgreSQL "
                    + "version needs a " + kind + " of its own");
        }
    }

    static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    static String hex(int magic) {
        return String.format("0x%04X", magic);
    }
}
