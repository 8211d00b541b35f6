package io.walship.receiver.store.barman;

import io.walship.protocol.WalFileName;
import java.nio.file.Path;

/** Where Barman keeps a server's WAL: {@code wals/<hash>/<name>}, history files directly in {@code wals/}. */
public record HashDirLayout(Path walsDir) {

    public Path directoryOf(WalFileName name) {
        return name.kind() == WalFileName.Kind.HISTORY ? walsDir : walsDir.resolve(name.hashDir());
    }

    public Path pathOf(WalFileName name) {
        return directoryOf(name).resolve(name.name());
    }

    public Path xlogDb() {
        return walsDir.resolve("xlog.db");
    }
}
