package io.walship.receiver.store.barman;

import io.walship.receiver.compress.Compression;
import java.nio.file.Path;

/**
 * One Barman server as the store sees it: its directories as Barman resolves them, the codec walship writes
 * and the xlog.db generation the installed Barman reads.
 *
 * @param backupDirectory where {@code identity.json} lives (Barman's backup_directory)
 * @param walsDirectory Barman's wals_directory
 * @param xlogdbDirectory Barman's xlogdb_directory (3.13 and later; by default the wals directory)
 * @param lockDirectory Barman's barman_lock_directory (by default barman_home)
 */
public record BarmanServer(String name, Path backupDirectory, Path walsDirectory, Path xlogdbDirectory,
        Path lockDirectory, Compression compression, XlogDbGeneration generation) {

    /** A server with Barman's default directories under {@code barmanHome}. */
    public static BarmanServer standard(Path barmanHome, String name, Compression compression,
            XlogDbGeneration generation) {
        Path backup = barmanHome.resolve(name);
        Path wals = backup.resolve("wals");
        return new BarmanServer(name, backup, wals, wals, barmanHome, compression, generation);
    }

    /** {@code <wals_directory>/xlog.db}, read by Barman 3.12 and older. */
    public Path walsXlogDb() {
        return walsDirectory.resolve("xlog.db");
    }

    /** {@code <xlogdb_directory>/<server>-xlog.db}, read by Barman 3.13 and later. */
    public Path serverXlogDb() {
        return xlogdbDirectory.resolve(name + "-xlog.db");
    }

    /** The file Barman flocks around every xlog.db access. */
    public Path lockFile() {
        return lockDirectory.resolve("." + name + "-xlogdb.lock");
    }
}
