package io.walship.receiver.store.barman;

import io.walship.fs.AtomicFile;
import io.walship.fs.Durable;
import io.walship.receiver.compress.Compression;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each stored file held when it was stored: its plain size, the CRC-32C of its plain bytes and the codec it
 * was written with, so that damage at rest is found even where the codec has no checksum of its own (none) or
 * where damage makes a compressed file look like plain bytes. Barman's layout has no field for it, so it is a
 * file of its own in the server's backup directory, which Barman does not scan for WAL (in wals/ barman
 * rebuild-xlogdb would warn about it): one line per stored file, {@code NAME TAB SIZE TAB CRC TAB CODEC}, appended
 * under the xlog.db lock. Barman deletes WAL without telling anyone, so a line may name a file that is gone: it
 * is ignored then, and the last line of a name counts, should the name be stored again.
 */
final class PlainChecksums {

    /** The file's name in the backup directory. */
    static final String FILE_NAME = "walship-checksums";

    /** A stored file's plain size and checksum, and the codec it was stored with. */
    record Sum(long size, int crc32c, Compression codec) {

        String line(String name) {
            return name + '\t' + size + '\t' + HexFormat.of().toHexDigits(crc32c) + '\t' + codec.xlogDbName + '\n';
        }
    }

    private final Path file;
    /** The lines as last read, and the file's size and time then. */
    private Map<String, Sum> sums = Map.of();
    private long readSize = -1;
    private long readTime = -1;

    PlainChecksums(Path backupDirectory) {
        this.file = backupDirectory.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /** The sum recorded for {@code name}, if any; read again whenever the file changed (another receiver). */
    synchronized Optional<Sum> of(String name) throws IOException {
        refresh();
        return Optional.ofNullable(sums.get(name));
    }

    private void refresh() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            sums = Map.of();
            readSize = -1;
            return;
        }
        long time = attributes.lastModifiedTime().toMillis();
        if (attributes.size() == readSize && time == readTime) {
            return;
        }
        Map<String, Sum> read = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            parse(line).ifPresent(entry -> read.put(entry.getKey(), entry.getValue()));
        }
        sums = read;
        readSize = attributes.size();
        readTime = time;
    }

    /** A line as {@link Sum#line} writes it; anything else (a line cut short by a crash) is no entry. */
    private static Optional<Map.Entry<String, Sum>> parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
            return Optional.empty();
        }
        try {
            Optional<Compression> codec = Compression.fromXlogDbName(fields[3]);
            if (codec.isEmpty() || fields[2].length() != 8) {
                return Optional.empty();
            }
            return Optional.of(Map.entry(fields[0], new Sum(Long.parseLong(fields[1]),
                    HexFormat.fromHexDigits(fields[2]), codec.get())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Records {@code sum} for {@code name}, only under the xlog.db lock; all or nothing, as the index: a write cut
     * short is taken back, and a line a crash left without its newline is cut off first.
     */
    synchronized void add(String name, Sum sum) throws IOException {
        Durable.createDirectories(file.getParent());
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long end = LineFiles.wholeLinesEnd(channel, channel.size());
            channel.truncate(end);
            Durable.appendOrUndo(channel, end, ByteBuffer.wrap(sum.line(name).getBytes(StandardCharsets.UTF_8)));
        }
        if (created) {
            Durable.syncDirectory(file.getParent());
        }
        readSize = -1;
    }

    /**
     * Rewrites the file with the last line of each name in {@code stored} only, when it holds more (files Barman
     * expired, names stored again, a line a crash cut short); only under the xlog.db lock. Returns how many lines
     * went.
     */
    synchronized int compact(Set<String> stored) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> kept = new TreeMap<>();
        for (String line : lines) {
            parse(line).filter(entry -> stored.contains(entry.getKey()))
                    .ifPresent(entry -> kept.put(entry.getKey(), entry.getValue().line(entry.getKey())));
        }
        int dropped = lines.size() - kept.size();
        if (dropped > 0) {
            AtomicFile.replaceDurably(file, String.join("", kept.values()).getBytes(StandardCharsets.UTF_8));
            readSize = -1;
        }
        return dropped;
    }
}
