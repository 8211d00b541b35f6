package io.walship.receiver.config;

import java.nio.file.Path;

/**
 * Where one server's files go, as Barman resolves it (or Barman's defaults under barman_home when walship is
 * configured without barman_config).
 *
 * @param backupDirectory holds {@code identity.json}
 * @param walsDirectory the archive: hash directories, history files and the xlog.db of Barman 3.12 and older
 * @param xlogdbDirectory holds {@code <server>-xlog.db} for Barman 3.13 and later
 * @param lockDirectory holds {@code .<server>-xlogdb.lock}
 * @param compressionSource where the compression setting comes from, for messages
 */
public record ServerStorage(Path backupDirectory, Path walsDirectory, Path xlogdbDirectory, Path lockDirectory,
        String compressionSource) {

    /** Barman's defaults for a server of a barman_home. */
    public static ServerStorage defaults(Path barmanHome, String server, String compressionSource) {
        Path backup = barmanHome.resolve(server);
        Path wals = backup.resolve("wals");
        return new ServerStorage(backup, wals, wals, barmanHome, compressionSource);
    }
}
