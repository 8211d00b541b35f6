package io.walship.receiver.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One server's archive checked against PostgreSQL's pg_wal and against itself, each check returning what is wrong
 * (empty when nothing is), so that an assertion shows every problem at once.
 */
final class StoreAudit {

    /** An upload's temp file: {@code .NAME.UUID.walship-tmp} beside where NAME goes. */
    private static final Pattern TEMP = Pattern.compile("\\.(.+)\\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
            + "\\.walship-tmp");

    /** Barman's hash directories: timeline and log, 16 hex digits. */
    private static final Pattern HASH_DIR = Pattern.compile("[0-9A-F]{16}");

    private final ExpectedBarmanLayout store;
    private final String server;

    StoreAudit(ExpectedBarmanLayout store, String server) {
        this.store = store;
        this.server = server;
    }

    /** Each of {@code names} stored where Barman looks for it and decompressing to pg_wal's bytes. */
    List<String> differencesFrom(Path pgWal, Collection<String> names) throws IOException {
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            Path stored = store.walPath(server, name);
            if (!Files.isRegularFile(stored)) {
                problems.add(name + ": not stored at " + stored);
                continue;
            }
            byte[] original = Files.readAllBytes(pgWal.resolve(name));
            byte[] restored = StoredCodec.decompress(Files.readAllBytes(stored));
            if (!Arrays.equals(original, restored)) {
                problems.add(name + ": " + stored + " decompresses to " + restored.length + " bytes differing from"
                        + " pg_wal's " + original.length + " at index " + Arrays.mismatch(original, restored));
            }
        }
        return problems;
    }

    /** Names xlog.db lists more than once, with how often. */
    Map<String, Long> duplicateLines() throws IOException {
        return indexed().stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
                Collectors.counting())).entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Of {@code names}, those xlog.db does not list. */
    List<String> unindexed(Collection<String> names) throws IOException {
        Set<String> listed = Set.copyOf(indexed());
        return names.stream().filter(n -> !listed.contains(n)).toList();
    }

    /**
     * Whether xlog.db and the files agree: every line's file exists with the line's size, every stored file has
     * a line. ({@link XlogDbEntry#read} fails on a partial line.)
     */
    List<String> indexProblems() throws IOException {
        List<String> problems = new ArrayList<>();
        List<XlogDbEntry> entries = entries();
        for (XlogDbEntry entry : entries) {
            Path stored = store.walPath(server, entry.name());
            if (!Files.isRegularFile(stored)) {
                problems.add(entry + ": no file at " + stored);
            } else if (Files.size(stored) != entry.size()) {
                problems.add(entry + ": " + stored + " has " + Files.size(stored) + " bytes");
            }
        }
        Set<String> listed = entries.stream().map(XlogDbEntry::name).collect(Collectors.toSet());
        for (Path stored : storedFiles()) {
            if (!listed.contains(stored.getFileName().toString())) {
                problems.add(stored + ": stored, not in xlog.db");
            }
        }
        return problems;
    }

    /** The names xlog.db lists, in its order; none before the first upload created it. */
    List<String> indexed() throws IOException {
        return entries().stream().map(XlogDbEntry::name).toList();
    }

    /**
     * Temp files under the wals directory, told by their names alone: they come and go while this looks, and a
     * tree walk would fail on one that went between listing and reading its attributes.
     */
    List<Path> temps() throws IOException {
        Path wals = store.serverDir(server).resolve("wals");
        List<Path> temps = new ArrayList<>();
        if (!Files.isDirectory(wals)) {
            return temps;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(wals)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    temps.add(entry);
                } else if (HASH_DIR.matcher(name).matches()) {
                    try (DirectoryStream<Path> hidden = Files.newDirectoryStream(entry, ".*")) {
                        hidden.forEach(temps::add);
                    }
                }
            }
        }
        return temps;
    }

    /**
     * What is wrong with leftover temp files: each must be an upload's hidden file (Barman skips dot files) in
     * the directory its WAL file goes to, unchanged since {@code before} (the last time a receiver ended, so no
     * upload of the running one left it), its WAL file stored.
     */
    List<String> tempProblems(Instant before) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path temp : temps()) {
            Matcher m = TEMP.matcher(temp.getFileName().toString());
            if (!m.matches()) {
                problems.add(temp + ": not named like an upload's temp file");
                continue;
            }
            Path destination = store.walPath(server, m.group(1));
            if (!destination.getParent().equals(temp.getParent())) {
                problems.add(temp + ": not beside " + destination);
            }
            if (!Files.isRegularFile(destination)) {
                problems.add(temp + ": " + destination + " is not stored");
            }
            Instant changed = ((FileTime) Files.getAttribute(temp, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
                    .toInstant();
            if (changed.isAfter(before)) {
                problems.add(temp + ": changed at " + changed + ", after the last receiver ended at " + before
                        + ", so an upload to the running receiver left it");
            }
        }
        return problems;
    }

    private List<XlogDbEntry> entries() throws IOException {
        return Files.exists(store.xlogDb(server)) ? store.xlogDbEntries(server) : List.of();
    }

    /** WAL files as Barman lists them: not hidden, in the hash directories and (history files) beside them. */
    private List<Path> storedFiles() throws IOException {
        Path wals = store.serverDir(server).resolve("wals");
        if (!Files.isDirectory(wals)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(wals, 2)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().equals("xlog.db")).sorted().toList();
        }
    }
}
