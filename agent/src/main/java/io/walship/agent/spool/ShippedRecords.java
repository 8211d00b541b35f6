package io.walship.agent.spool;

import io.walship.fs.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the read-ahead agent has shipped: {@code shipped/<NAME>} holds the size and modification time
 * ({@code SIZE SECONDS.NANOSECONDS}, the form of GNU {@code stat -c '%s %.9Y'}) of the file the receiver
 * acknowledged as durably stored. A push of a file with the same name, size and time answers from
 * here without the network. Records are written only after the acknowledgement, durably.
 */
public final class ShippedRecords {

    private final SpoolLayout spool;

    public ShippedRecords(SpoolLayout spool) {
        this.spool = spool;
    }

    public static String stamp(BasicFileAttributes attributes) {
        Instant mtime = attributes.lastModifiedTime().toInstant();
        return attributes.size() + " " + mtime.getEpochSecond() + "." + String.format("%09d", mtime.getNano());
    }

    public static String stamp(Path file) throws IOException {
        return stamp(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }

    /** True when {@code name} was shipped with exactly this size and modification time. */
    public boolean matches(String name, BasicFileAttributes attributes) throws IOException {
        return read(name).filter(stamp(attributes)::equals).isPresent();
    }

    Optional<String> read(String name) throws IOException {
        try {
            return Optional.of(Files.readString(spool.shipped(name), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public void record(String name, String stamp) throws IOException {
        Files.createDirectories(spool.shippedDir());
        AtomicFile.replaceDurably(spool.shipped(name), (stamp + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    public void forget(String name) throws IOException {
        Files.deleteIfExists(spool.shipped(name));
    }

    /** The names recorded; a record being written (a dot file) is none yet. */
    public Set<String> names() throws IOException {
        return RecordNames.in(spool.shippedDir());
    }
}
