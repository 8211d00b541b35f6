package io.walship.receiver.store.barman;

import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's {@code identity.json} in Barman's format, {@code {"systemid": "...", "version": "15"}}: the
 * PostgreSQL cluster this archive belongs to, plus what walship pins beside it: the cluster's WAL segment size
 * and page magic, without which a segment of another size would land where its name means another LSN. Barman
 * reads only the fields it knows ({@code json.load}, then {@code .get("systemid")}) and never rewrites an
 * existing file, so the extra fields stay. Read with patterns rather than a JSON library because only these
 * flat fields matter.
 */
public record Identity(String systemId, String version, OptionalLong segmentSize, OptionalInt magic) {

    static final String SEGMENT_SIZE = "walship_wal_segment_size";
    static final String MAGIC = "walship_xlog_page_magic";

    private static final Pattern SYSTEM_ID = Pattern.compile("\"systemid\"\\s*:\\s*\"?(\\d+)\"?");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"?([0-9.]+)\"?");
    private static final Pattern SEGMENT_SIZE_FIELD = field(SEGMENT_SIZE);
    private static final Pattern MAGIC_FIELD = field(MAGIC);

    private static Pattern field(String name) {
        return Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)");
    }

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

    static Identity parse(Path file, String json) throws IOException {
        Matcher systemId = SYSTEM_ID.matcher(json);
        if (!systemId.find()) {
            throw new IOException(file + " has no \"systemid\"; fix or remove it");
        }
        Matcher version = VERSION.matcher(json);
        Matcher segmentSize = SEGMENT_SIZE_FIELD.matcher(json);
        Matcher magic = MAGIC_FIELD.matcher(json);
        return new Identity(systemId.group(1), version.find() ? version.group(1) : "",
                segmentSize.find() ? OptionalLong.of(Long.parseLong(segmentSize.group(1))) : OptionalLong.empty(),
                magic.find() ? OptionalInt.of(Integer.parseInt(magic.group(1))) : OptionalInt.empty());
    }

    /** Whether walship pinned everything it checks; an identity.json Barman wrote has the system only. */
    public boolean isComplete() {
        return segmentSize.isPresent() && magic.isPresent();
    }

    public String toJson() {
        StringBuilder json = new StringBuilder("{\"systemid\": \"").append(systemId).append("\", \"version\": \"")
                .append(version).append('"');
        segmentSize.ifPresent(size -> json.append(", \"").append(SEGMENT_SIZE).append("\": ").append(size));
        magic.ifPresent(value -> json.append(", \"").append(MAGIC).append("\": ").append(value));
        return json.append("}\n").toString();
    }

    /**
     * {@code json}, a file Barman wrote for this system, with walship's fields added before its closing brace,
     * so that whatever else Barman put there stays as it was.
     */
    String completing(String json) {
        int end = json.lastIndexOf('}');
        if (end < 0) {
            return toJson();
        }
        StringBuilder extra = new StringBuilder();
        if (!SEGMENT_SIZE_FIELD.matcher(json).find()) {
            segmentSize.ifPresent(size -> extra.append(", \"").append(SEGMENT_SIZE).append("\": ").append(size));
        }
        if (!MAGIC_FIELD.matcher(json).find()) {
            magic.ifPresent(value -> extra.append(", \"").append(MAGIC).append("\": ").append(value));
        }
        String head = json.substring(0, end).stripTrailing();
        return head + extra + "\n" + json.substring(end);
    }
}
