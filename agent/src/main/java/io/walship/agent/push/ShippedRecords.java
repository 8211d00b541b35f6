package io.walship.agent.push;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the read-ahead agent has shipped: {@code <dir>/<NAME>} holds the size and modification time
 * ({@code SIZE SECONDS.NANOSECONDS}, the form of GNU {@code stat -c '%s %.9Y'}) of the file the receiver
 * acknowledged as durably stored. A push of a file with the same name, size and time answers from
 * here without the network. Records are written only after the acknowledgement, durably.
 */
public final class ShippedRecords {

    private final Path dir;

    public ShippedRecords(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
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
            return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Writes the record durably: temp file, fsync, rename, fsync the directory. */
    public void record(String name, String stamp) throws IOException {
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + name + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((stamp + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    public void forget(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
    }

    public Set<String> names() throws IOException {
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (!file.startsWith(".")) {
                    names.add(file);
                }
            }
        }
        return names;
    }
}
