package io.walship.receiver.store.barman;

import io.walship.wal.WalFileName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where Barman keeps a server's WAL: {@code wals/<hash>/<name>}, history files directly in {@code wals/}. */
public record HashDirLayout(Path walsDir) {

    /** Barman's hash directory of a file: timeline and log as {@code %08X%08X}; history files have none. */
    public static String hashDir(WalFileName name) {
        if (name.kind() == WalFileName.Kind.HISTORY) {
            throw new IllegalStateException(name.name() + " is a history file and lives directly in wals/");
        }
        return String.format("%08X%08X", name.timeline(), name.log());
    }

    /** Whether {@code name} is what {@link #hashDir} makes: 16 upper-case hex digits. */
    public static boolean isHashDir(String name) {
        return name.length() == 16 && name.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'A' && c <= 'F');
    }

    public Path directoryOf(WalFileName name) {
        return name.kind() == WalFileName.Kind.HISTORY ? walsDir : walsDir.resolve(hashDir(name));
    }

    public Path pathOf(WalFileName name) {
        return directoryOf(name).resolve(name.name());
    }

    /**
     * Every file stored under a WAL file name: those in the hash directories and those beside them (history
     * files, where they belong); no hidden file (uploads in progress), no lower-case name (not walship's).
     */
    public List<Path> storedFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(walsDir)) {
            return files;
        }
        try (Stream<Path> entries = Files.list(walsDir)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry) && isHashDir(name)) {
                    try (Stream<Path> inDir = Files.list(entry)) {
                        inDir.filter(HashDirLayout::isWalFile).sorted().forEach(files::add);
                    }
                } else if (isWalFile(entry)) {
                    files.add(entry);
                }
            }
        }
        return files;
    }

    private static boolean isWalFile(Path file) {
        return Files.isRegularFile(file) && isUpperCaseWalName(file.getFileName().toString());
    }

    private static boolean isUpperCaseWalName(String name) {
        try {
            WalFileName.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
