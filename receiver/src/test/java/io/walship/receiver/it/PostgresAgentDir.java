package io.walship.receiver.it;

import io.walship.testing.AgentConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The agent's files as PostgreSQL's archive_command and restore_command read them. Those run as the postgres user
 * when the tests run as root, so everything they touch belongs to that user: a directory with copies of the CA
 * certificate and of one client's certificate and key, and the configuration files that name them.
 */
record PostgresAgentDir(Path dir, String client) {

    /** Copies what {@code ca} issued to {@code client} into {@code dir}, the key readable by its owner only. */
    static PostgresAgentDir copy(CaDirectory ca, String client, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Path file : List.of(ca.caCertificate(), ca.certificate(client), ca.key(client))) {
            Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.setPosixFilePermissions(dir.resolve(client + ".key"), PosixFilePermissions.fromString("rw-------"));
        RunAs.giveToPostgres(dir);
        return new PostgresAgentDir(dir, client);
    }

    /**
     * A configuration naming the copied files by relative paths: the agent resolves them against the
     * configuration file's directory, not against the data directory PostgreSQL runs it in.
     */
    AgentConfigFile config(String server, int receiverPort) {
        return tls(AgentConfigFile.forServer(server, receiverPort));
    }

    /** As {@link #config(String, int)}, for the receivers {@code receivers} lists (host:port, host:port). */
    AgentConfigFile config(String server, String receivers) {
        return tls(AgentConfigFile.forReceivers(server, receivers));
    }

    private AgentConfigFile tls(AgentConfigFile config) {
        return config.tls(Path.of("ca.crt"), Path.of(client + ".crt"), Path.of(client + ".key"));
    }

    /** Writes {@code config} into this directory as {@code fileName}, owned by the postgres user. */
    Path write(String fileName, AgentConfigFile config) throws IOException {
        Path file = config.writeTo(dir.resolve(fileName));
        RunAs.giveToPostgres(file);
        return file;
    }

    /**
     * A configuration for restore_command alone, written as {@code fileName}: no agent daemon, no read-ahead, the
     * spool in {@code spool}, which is made the postgres user's only.
     */
    Path writeFetchOnly(String fileName, String server, int receiverPort, Path spool) throws IOException {
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
        RunAs.giveToPostgres(spool);
        return write(fileName, config(server, receiverPort).set("start_agent", "no").set("prefetch", "0")
                .set("spool_directory", spool));
    }
}
