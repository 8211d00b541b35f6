package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the real receiver checks about the user it runs as before it takes a connection: that it may write every
 * server's directories (with the system's own reason when it may not), and that it is not root. Permission bits
 * bind no root, so as root the receiver under test runs as the unprivileged postgres user; as anyone else it runs
 * as that user, and a directory it may not write is one without write permission.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiverStartChecksIT {

    private static final String SERVER = "pg";
    private static final String ROOT_WARNING = " WARNING running as root: ";

    private final TestBed bed = new TestBed("walship-start-checks-it-");
    private CaDirectory certs;
    private Path tlsForPostgres;
    private Path launcher;

    @BeforeAll
    void issueCertificates() throws IOException {
        certs = bed.ca("certs").issue("receiver", "127.0.0.1");
        // The CA's key files are root's, mode 0600: the postgres user gets copies of its own.
        tlsForPostgres = bed.directory("tls-postgres");
        for (Path file : List.of(certs.caCertificate(), certs.certificate("receiver"), certs.key("receiver"))) {
            Files.copy(file, tlsForPostgres.resolve(file.getFileName()));
        }
        RunAs.giveToPostgres(tlsForPostgres);
        launcher = bed.launcher().receiverForPostgres(bed.resolve("receiver-install"));
    }

    @AfterAll
    void stopEverything() throws Exception {
        bed.close();
    }

    @Test
    void aDirectoryTheReceiverMayNotWriteStopsItsStartWithTheSystemsReason() throws IOException {
        Path barman = bed.directory("barman-locked");
        if (!RunAs.root()) {
            Files.setPosixFilePermissions(barman, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        Path conf = unprivilegedConfig(barman).writeTo(bed.resolve("locked.conf"));
        RunAs.giveToPostgres(conf);

        Proc.Result start = Proc.run(unprivileged("receiver", "--config", conf.toString()), bed.dir(), null,
                Duration.ofSeconds(60));

        assertEquals(2, start.exitCode(), start.describe());
        assertEquals(List.of("walship receiver: server 'pg': backup_directory " + barman.resolve(SERVER)
                        + " (to be created in " + barman + ") is not writable by user " + user() + " (Permission "
                        + "denied); give that user write access to it, or run the receiver as the user that owns the "
                        + "Barman server's files (usually barman)"),
                start.stderr().lines().toList(), start.describe());
        assertFalse(Files.exists(barman.resolve(SERVER)), "the check creates nothing");
    }

    @Test
    void theReceiverWarnsWhenItRunsAsRootAndOnlyThen() throws IOException {
        Path barman = bed.directory("barman-own");
        RunAs.giveToPostgres(barman);
        Path conf = unprivilegedConfig(barman).writeTo(bed.resolve("own.conf"));
        RunAs.giveToPostgres(conf);
        try (ReceiverProcess own = ReceiverProcess.start(unprivileged("receiver", "--config", conf.toString()),
                bed.resolve("own.stderr"), Duration.ofSeconds(60))) {
            assertFalse(own.stderr().contains(ROOT_WARNING), "no warning as " + user() + own.logTail());
        }
        if (RunAs.root()) {
            ReceiverProcess asRoot = bed.startReceiver("root",
                    ReceiverConfigFile.barmanHome(bed.directory("barman-root")).tls(certs, "receiver")
                            .server(SERVER, "pg-agent"));
            assertTrue(asRoot.stderr().lines().anyMatch(l -> l.contains(ROOT_WARNING + "the files it stores belong "
                    + "to root")), "expected the warning as root" + asRoot.logTail());
        }
    }

    private ReceiverConfigFile unprivilegedConfig(Path barman) {
        return ReceiverConfigFile.barmanHome(barman).set("ca_file", tlsForPostgres.resolve("ca.crt"))
                .set("cert_file", tlsForPostgres.resolve("receiver.crt"))
                .set("key_file", tlsForPostgres.resolve("receiver.key")).server(SERVER, "pg-agent");
    }

    /** The launcher's receiver side, as the postgres user when the tests run as root, else as this user. */
    private List<String> unprivileged(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return RunAs.postgres(command);
    }

    private static String user() throws IOException {
        return RunAs.root() ? RunAs.PG_USER : System.getProperty("user.name");
    }
}
