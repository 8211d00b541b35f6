package io.walship.receiver.config;

import java.nio.file.Path;

/**
 * Where one Barman server's files are, as Barman resolves them from its configuration (or its defaults under
 * barman_home when walship is configured without barman_config).
 *
 * @param backupDirectory Barman's backup_directory, which holds {@code identity.json}
 * @param walsDirectory Barman's wals_directory: hash directories, history files, and the xlog.db of Barman 3.12
 *     and older
 * @param xlogdbDirectory Barman's xlogdb_directory, which holds {@code <server>-xlog.db} for Barman 3.13 and later
 * @param lockDirectory Barman's barman_lock_directory, which holds {@code .<server>-xlogdb.lock}
 * @param errorsDirectory Barman's errors_directory, where files that do not belong in the archive are moved
 *     aside; {@code barman check} reports any file there
 */
public record ServerDirectories(Path backupDirectory, Path walsDirectory, Path xlogdbDirectory, Path lockDirectory,
        Path errorsDirectory) {

    /** Barman's defaults for server {@code name} of {@code barmanHome}. */
    public static ServerDirectories defaults(Path barmanHome, String name) {
        Path backup = barmanHome.resolve(name);
        Path wals = backup.resolve("wals");
        return new ServerDirectories(backup, wals, wals, barmanHome, backup.resolve("errors"));
    }
}
