package io.walship.receiver.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where the receiver must have put things in Barman's layout, and what is there: the test's own account of the
 * layout, written from Barman's, not from the receiver's code.
 */
final class ExpectedBarmanLayout {

    private final Path home;

    ExpectedBarmanLayout(Path home) {
        this.home = home;
    }

    Path serverDir(String server) {
        return home.resolve(server);
    }

    /** Segments, .partial and .backup files go one directory down (first 16 characters); .history files do not. */
    Path walPath(String server, String name) {
        Path wals = serverDir(server).resolve("wals");
        return name.endsWith(".history") ? wals.resolve(name) : wals.resolve(name.substring(0, 16)).resolve(name);
    }

    Path xlogDb(String server) {
        return serverDir(server).resolve("wals/xlog.db");
    }

    /** Dot files under the server's wals directory, where uploads keep their temp files (xlog.db's lock is not). */
    List<Path> hiddenFiles(String server) throws IOException {
        try (Stream<Path> files = Files.walk(serverDir(server).resolve("wals"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    List<XlogDbEntry> xlogDbEntries(String server) throws IOException {
        return XlogDbEntry.read(xlogDb(server));
    }

    /** Every regular file under barman_home (relative path to SHA-256), to prove that an operation changed nothing. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(home)) {
            paths.filter(Files::isRegularFile).forEach(p -> files.put(home.relativize(p).toString(), sha256(p)));
        }
        return files;
    }

    /** A readable account of how two snapshots differ; empty when they are the same. */
    static String diff(Map<String, String> before, Map<String, String> after) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            String was = before.get(name);
            String is = after.get(name);
            if (was == null) {
                out.append("added ").append(name).append('\n');
            } else if (is == null) {
                out.append("removed ").append(name).append('\n');
            } else if (!was.equals(is)) {
                out.append("changed ").append(name).append('\n');
            }
        }
        return out.toString();
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
