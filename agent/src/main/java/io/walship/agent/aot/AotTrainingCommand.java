package io.walship.agent.aot;

import io.walship.agent.Walship;
import io.walship.agent.ca.CertificateAuthority;
import io.walship.agent.fetch.ReadAheadSpool;
import io.walship.agent.spool.SpoolLayout;
import io.walship.cli.LogFormat;
import io.walship.wal.WalFileName;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The training runs behind {@code bin/walship aot-cache}: they run the real commands in this JVM, so
 * that the AOT cache written at its exit holds the classes (and their linking) those commands load. A main
 * of its own, above {@link Walship}, whose commands it drives as archive_command and restore_command would.
 *
 * <p>By default: {@code push} and {@code fetch} over the network, as archive_command and a restore
 * that misses the read-ahead spool run them, against a real {@link TrainingReceiver} started through
 * {@code --launcher}. Everything is throwaway and local: a CA and certificates in a temp directory, the
 * receiver on a loopback port, a fake 16 MiB segment.
 *
 * <p>With {@code --light}: a {@code fetch} served from the read-ahead spool, {@code --version} and the
 * help of push and fetch, none of which touch TLS or Netty. A JVM with an AOT cache loads every class
 * in it at start, so these short commands start fastest from a cache that holds only what they need.
 */
@Command(name = "walship-aot-training",
        description = "Exercises push and fetch in-process so that bin/walship aot-cache can write an AOT cache.")
public final class AotTrainingCommand implements Callable<Integer> {

    static final String SEGMENT = "000000010000000000000001";

    @Option(names = "--light", description = "Train the commands that need no network: a fetch from the spool, "
            + "--version, --help.")
    boolean light;

    @Option(names = "--launcher", paramLabel = "FILE", description = "bin/walship, which starts the receiver "
            + "that push and fetch train against (not needed with --light).")
    Path launcher;

    public static void main(String[] args) {
        LogFormat.install();
        System.exit(new CommandLine(new AotTrainingCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if (!light && launcher == null) {
            System.err.println("walship aot-training: --launcher is required without --light");
            return 2;
        }
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("walship-aot-training-");
            if (light) {
                trainLight(dir);
            } else {
                train(dir, launcher);
            }
        } catch (Exception e) {
            System.err.println("walship aot-training: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            deleteTree(dir);
        }
        System.out.printf("walship aot-training: %s (%d ms)%n", light
                ? "fetched a 16 MiB segment from a read-ahead spool and ran --version and push and fetch --help"
                : "pushed and fetched a 16 MiB segment over mutual TLS through a walship receiver and ran "
                        + "push and fetch --help", (System.nanoTime() - started) / 1_000_000);
        return 0;
    }

    private static void train(Path dir, Path launcher) throws Exception {
        Path ca = dir.resolve("ca");
        CertificateAuthority authority = new CertificateAuthority();
        authority.init(ca);
        authority.issue(ca, "receiver", List.of("127.0.0.1", "localhost"));
        authority.issue(ca, TrainingReceiver.CLIENT, List.of());

        Path walDir = Files.createDirectory(dir.resolve("pg_wal"));
        Path segment = walDir.resolve(SEGMENT);
        TrainingSegment.write(WalFileName.parse(SEGMENT), segment);

        try (TrainingReceiver receiver = TrainingReceiver.start(launcher, dir, ca)) {
            Path config = dir.resolve("walship.conf");
            Files.writeString(config, String.join("\n",
                    "[agent]",
                    "receiver = 127.0.0.1:" + receiver.port(),
                    "server = " + TrainingReceiver.SERVER,
                    "ca_file = ca/" + CertificateAuthority.CA_CERTIFICATE,
                    "cert_file = ca/" + TrainingReceiver.CLIENT + ".crt",
                    "key_file = ca/" + TrainingReceiver.CLIENT + ".key",
                    "prefetch = 0",
                    "spool_directory = spool",
                    ""), StandardCharsets.US_ASCII);
            String cfg = config.toString();
            Path restored = Files.createDirectory(dir.resolve("restore")).resolve("RECOVERYXLOG");

            expectSuccess("push", "push", "--config", cfg, segment.toString(), SEGMENT);
            expectSuccess("fetch", "fetch", "--config", cfg, SEGMENT, restored.toString());
            if (Files.mismatch(segment, restored) != -1) {
                throw new IOException("fetch restored different bytes than push sent");
            }
            expectSuccess("push --help", "push", "--help");
            expectSuccess("fetch --help", "fetch", "--help");
            expectSuccess("--version", "--version");
        }
    }

    /**
     * A restore that finds its segment in the read-ahead spool. No receiver is asked, so the TLS files
     * only need to exist. The read-ahead it would start is made to fail (its lock file is a directory),
     * and the one line fetch prints about that is dropped; should a prefetcher start anyway, it is stopped.
     */
    private static void trainLight(Path dir) throws Exception {
        SpoolLayout spool = SpoolLayout.of(dir.resolve("spool"), TrainingReceiver.SERVER);
        WalFileName segment = WalFileName.parse(SEGMENT);
        Files.createDirectories(spool.prefetchLock());
        Path download = SpoolLayout.downloadTemp(spool.segment(segment));
        TrainingSegment.write(segment, download);
        new ReadAheadSpool(spool).publish(download, spool.segment(segment));
        for (String file : List.of("ca.crt", "agent.crt", "agent.key")) {
            Files.writeString(dir.resolve(file), "", StandardCharsets.US_ASCII);
        }
        Path config = dir.resolve("walship.conf");
        Files.writeString(config, String.join("\n",
                "[agent]",
                "receiver = 127.0.0.1:9",
                "server = " + TrainingReceiver.SERVER,
                "ca_file = ca.crt",
                "cert_file = agent.crt",
                "key_file = agent.key",
                "prefetch = 8",
                "spool_directory = spool",
                ""), StandardCharsets.US_ASCII);
        Path restored = Files.createDirectory(dir.resolve("restore")).resolve("RECOVERYXLOG");
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            expectSuccess("fetch from the spool", "fetch", "--config", config.toString(), SEGMENT, restored.toString());
        } finally {
            System.setErr(err);
            ProcessHandle.current().children().forEach(ProcessHandle::destroy);
        }
        if (Files.size(restored) != TrainingSegment.SIZE) {
            throw new IOException("fetch from the spool restored " + Files.size(restored) + " bytes");
        }
        expectSuccess("push --help", "push", "--help");
        expectSuccess("fetch --help", "fetch", "--help");
        expectSuccess("--version", "--version");
    }

    /** Runs {@code walship ARGS} in this JVM as {@link Walship#main} would, with help and version output dropped. */
    private static void expectSuccess(String what, String... args) throws IOException {
        CommandLine commandLine = new CommandLine(new Walship());
        commandLine.setOut(new PrintWriter(Writer.nullWriter()));
        int code = commandLine.execute(args);
        if (code != 0) {
            throw new IOException("walship " + what + " exited " + code + " in the training run");
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("walship aot-training: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
