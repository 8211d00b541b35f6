package io.walship.receiver.it;

import io.walship.testing.Cleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one integration-test class works in: the checkout's launcher, a fresh temporary directory that the postgres
 * user can reach, and everything the test starts there, closed in reverse order by {@link #close} (the directory
 * is deleted last).
 */
final class TestBed implements AutoCloseable {

    private final Cleanup cleanup = new Cleanup();
    private final Launcher launcher = Launcher.locate();
    private final Path dir;
    private Path launcherForPostgres;

    /** Fails unchecked, so that a test class can make its bed in a field initialiser. */
    TestBed(String prefix) {
        try {
            dir = RunAs.tempDir(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory " + prefix + "*", e);
        }
        cleanup.push(() -> RunAs.deleteTree(dir));
    }

    Launcher launcher() {
        return launcher;
    }

    Path dir() {
        return dir;
    }

    Path resolve(String name) {
        return dir.resolve(name);
    }

    Path directory(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    /** A new directory that belongs to the postgres user, for what PostgreSQL or its commands write. */
    Path postgresDirectory(String name) throws IOException {
        Path created = directory(name);
        RunAs.giveToPostgres(created);
        return created;
    }

    /** Closed by {@link #close}, before everything registered earlier. */
    <T extends AutoCloseable> T closeLater(T closeable) {
        cleanup.push(closeable);
        return closeable;
    }

    CaDirectory ca(String name) throws IOException {
        return CaDirectory.init(launcher, dir.resolve(name));
    }

    /** The launcher as the postgres user runs it (see {@link Launcher#forPostgres}), staged once. */
    Path launcherForPostgres() throws IOException {
        if (launcherForPostgres == null) {
            launcherForPostgres = launcher.forPostgres(dir.resolve("postgres-install"));
        }
        return launcherForPostgres;
    }

    /** What archive_command and restore_command read: copies of {@code client}'s files in pg-agent/. */
    PostgresAgentDir postgresAgent(CaDirectory ca, String client) throws IOException {
        return PostgresAgentDir.copy(ca, client, dir.resolve("pg-agent"));
    }

    /** The real receiver with {@code config} as receiver.conf, its log in receiver.stderr; closed by {@link #close}. */
    ReceiverProcess startReceiver(ReceiverConfigFile config) throws IOException {
        return startReceiver("receiver", config);
    }

    /** A receiver whose configuration and log are {@code name.conf} and {@code name.stderr}. */
    ReceiverProcess startReceiver(String name, ReceiverConfigFile config) throws IOException {
        Path file = config.writeTo(dir.resolve(name + ".conf"));
        return closeLater(launcher.startReceiver(file, dir.resolve(name + ".stderr")));
    }

    /** A new cluster, not yet initialised, removed by {@link #close}. */
    PostgresCluster cluster() throws IOException {
        return closeLater(new PostgresCluster());
    }

    /** A new cluster archiving through {@code archiveCommand}, with {@code moreSettings}, started. */
    PostgresCluster archivingCluster(String archiveCommand, Map<String, String> moreSettings) throws IOException {
        PostgresCluster cluster = cluster();
        cluster.initdb();
        cluster.archiveThrough(archiveCommand);
        if (!moreSettings.isEmpty()) {
            cluster.configure(moreSettings);
        }
        cluster.start();
        return cluster;
    }

    PostgresCluster archivingCluster(String archiveCommand) throws IOException {
        return archivingCluster(archiveCommand, Map.of());
    }

    @Override
    public void close() throws Exception {
        cleanup.closeAll();
    }
}
