package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Drives the built launcher {@code bin/walship} of this checkout. */
final class Launcher {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path root;

    private Launcher(Path root) {
        this.root = root;
    }

    /** Failsafe runs in the receiver module, so the checkout is its parent (or the directory itself). */
    static Launcher locate() {
        Path cwd = Path.of("").toAbsolutePath();
        Path root = Stream.of(cwd.getParent(), cwd)
                .filter(p -> p != null && Files.isRegularFile(p.resolve("bin/walship"))
                        && Files.isDirectory(p.resolve("receiver")))
                .findFirst()
                .orElseGet(() -> fail("cannot find bin/walship in " + cwd + " or its parent"));
        for (String jar : List.of("receiver/target/walship-receiver.jar", "agent/target/walship-agent.jar")) {
            if (!Files.isRegularFile(root.resolve(jar))) {
                fail(root.resolve(jar) + " is missing: run the integration tests through ./mvnw verify,"
                        + " which packages the agent and the receiver first");
            }
        }
        return new Launcher(root);
    }

    Path executable() {
        return root.resolve("bin/walship");
    }

    Proc.Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable().toString()));
        command.addAll(List.of(args));
        return Proc.run(command, root, null, TIMEOUT);
    }

    /** Runs a command of the launcher that must succeed, as every set-up step does. */
    Proc.Result ok(String... args) throws IOException {
        return run(args).assertSuccess("walship " + String.join(" ", args));
    }

    ReceiverProcess startReceiver(Path config, Path stderrLog) throws IOException {
        return ReceiverProcess.start(List.of(executable().toString(), "receiver", "--config", config.toString()),
                stderrLog, Duration.ofSeconds(60));
    }

    /**
     * The launcher that PostgreSQL's archive_command can run. As root that runs as the postgres user, who may
     * not be able to reach this checkout (e.g. one under /root); then the launcher and the agent jars are
     * copied into {@code stagingDir} with the same relative layout as the checkout.
     */
    Path forPostgres(Path stagingDir) throws IOException {
        return forPostgres(stagingDir, "agent");
    }

    /** As {@link #forPostgres(Path)}, for the launcher's receiver side: the receiver as the postgres user. */
    Path receiverForPostgres(Path stagingDir) throws IOException {
        return forPostgres(stagingDir, "receiver");
    }

    private Path forPostgres(Path stagingDir, String module) throws IOException {
        Path jar = root.resolve(module + "/target/walship-" + module + ".jar");
        if (RunAs.postgresCan("-x", executable()) && RunAs.postgresCan("-r", jar)) {
            return executable();
        }
        copyTree(root.resolve("bin"), stagingDir.resolve("bin"));
        copyTree(root.resolve(module + "/target/lib"), stagingDir.resolve(module + "/target/lib"));
        Files.copy(jar, stagingDir.resolve(module + "/target/walship-" + module + ".jar"));
        RunAs.giveToPostgres(stagingDir);
        return stagingDir.resolve("bin/walship");
    }

    /** The launcher and its scripts alone, copied into {@code stagingDir} for the postgres user: it finds no jar. */
    Path withoutJars(Path stagingDir) throws IOException {
        copyTree(root.resolve("bin"), stagingDir.resolve("bin"));
        RunAs.giveToPostgres(stagingDir);
        return stagingDir.resolve("bin/walship");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
