package io.walship.receiver.store.barman;

import io.walship.wal.WalFileName;
import java.nio.file.Path;

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
}
