package io.walship.agent.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.walship.agent.Checkout;
import io.walship.agent.config.AgentConfig;
import io.walship.agent.spool.ShippedRecords;
import io.walship.agent.spool.SpoolLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's fast path, {@code shipped_ahead} in bin/lib/shipped.sh: it may answer {@code walship push}
 * without a JVM only for {@code push [--config F] PATH NAME} whose record, written by the agent (here by
 * {@link ShippedRecords} itself, at the place Java's {@link AgentConfig} names), matches PATH's size and
 * modification time. Everything else must fall through to Java (exit status 1 of the function).
 */
class ShippedAheadScriptTest {

    private static final String NAME = "00000001000000000000002A";
    private static final String TIME = "@1714979289.123456789";
    private static final Pattern TRACED_RECORD = Pattern.compile("(?m)^\\++ record=(.*)$");

    private static final Path ROOT = Checkout.root();

    @TempDir
    Path dir;
    private Path etc;
    private Path spool;
    private Path config;
    private Path segment;

    @BeforeEach
    void setUp() throws Exception {
        etc = Files.createDirectories(dir.resolve("etc"));
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(etc.resolve(file), "placeholder: only readability is checked when loading\n");
        }
        spool = dir.resolve("spool");
        config = writeConfig("walship.conf", """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                spool_directory = %s
                """.formatted(spool));
        segment = Files.createDirectories(dir.resolve("data/pg_wal")).resolve(NAME);
        Files.write(segment, new byte[64 * 1024]);
        touch(segment, TIME);
    }

    @Test
    void aMatchingRecordAnswersForEverySpellingOfTheConfigOption() throws Exception {
        recordWithJava(config, NAME, segment);

        assertAnswers(0, "push", "--config", config.toString(), segment.toString(), NAME);
        assertAnswers(0, "push", "-c", config.toString(), segment.toString(), NAME);
        assertAnswers(0, "push", "--config=" + config, segment.toString(), NAME);
        assertEquals(0, shippedAhead(ROOT, Map.of("WALSHIP_CONFIG", config.toString()), "push", segment.toString(),
                NAME), "expected push PATH NAME with $WALSHIP_CONFIG to answer from the record");
    }

    @Test
    void pathIsRelativeToTheWorkingDirectoryAsPostgreSqlPassesIt() throws Exception {
        recordWithJava(config, NAME, segment);

        assertEquals(0, shippedAhead(dir.resolve("data"), Map.of(), "push", "--config", config.toString(),
                "pg_wal/" + NAME, NAME), "expected %p relative to the data directory to be found");
        assertEquals(1, shippedAhead(dir, Map.of(), "push", "--config", config.toString(), "pg_wal/" + NAME, NAME),
                "expected pg_wal/NAME relative to another directory (no such file) to fall through");
    }

    @Test
    void anotherSizeWithTheSameTimeFallsThrough() throws Exception {
        recordWithJava(config, NAME, segment);
        String recorded = stat(segment);

        Files.write(segment, new byte[64 * 1024 + 1]);
        touch(segment, TIME);

        assertEquals(recorded.split(" ")[1], stat(segment).split(" ")[1], "only the size should differ");
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void anotherTimeWithTheSameSizeFallsThrough() throws Exception {
        recordWithJava(config, NAME, segment);

        touch(segment, "@1714979289.123456790");

        assertEquals("65536 1714979289.123456790", stat(segment));
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);
        touch(segment, "@1714979290.123456789");
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);
        touch(segment, TIME);
        assertAnswers(0, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void noRecordFallsThrough() throws Exception {
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);

        recordWithJava(config, "00000001000000000000002B", segment);
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void aMissingFileFallsThroughEvenWithAnEmptyRecord() throws Exception {
        Path records = Files.createDirectories(spool.resolve("pg/shipped"));
        Files.writeString(records.resolve(NAME), "\n");
        assertAnswers(1, "push", "--config", config.toString(), dir.resolve("no-such-file").toString(), NAME);
        assertAnswers(1, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void namesWithASlashOrALeadingDotNeverReachARecord() throws Exception {
        recordWithJava(config, NAME, segment);
        // Each of these would resolve to the real record, or to a temporary record file, if it were used.
        Files.writeString(spool.resolve("pg/shipped").resolve("." + NAME + ".tmp"), stat(segment) + "\n");
        Files.createDirectories(spool.resolve("pg/shipped/sub"));

        for (String name : List.of("./" + NAME, "../shipped/" + NAME, "sub/../" + NAME, "/" + NAME,
                "." + NAME + ".tmp", "", "..")) {
            assertAnswers(1, "push", "--config", config.toString(), segment.toString(), name);
        }
        assertAnswers(0, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void onlyPushWithExactlyPathAndNameIsAnswered() throws Exception {
        recordWithJava(config, NAME, segment);
        String conf = config.toString();
        String path = segment.toString();

        assertAnswers(1, "fetch", "--config", conf, path, NAME);
        assertAnswers(1, "agent", "--config", conf, path, NAME);
        assertAnswers(1, "Push", "--config", conf, path, NAME);
        assertAnswers(1, "receiver", "--config", conf, path, NAME);
        assertAnswers(1);
        assertAnswers(1, "push");
        assertAnswers(1, "push", "--config", conf);
        assertAnswers(1, "push", "--config", conf, path);
        assertAnswers(1, "push", "--config", conf, path, NAME, "extra");
        assertAnswers(1, "push", "--config", conf, "--verbose", path, NAME);
        assertAnswers(1, "push", "-c=" + conf, path, NAME);
        assertAnswers(1, "push", path, NAME, "--config", conf);
        assertAnswers(1, "--config", conf, "push", path, NAME);
        assertAnswers(0, "push", "--config", conf, path, NAME);
    }

    @Test
    void aConfigWithoutAServerInAgentFallsThrough() throws Exception {
        recordWithJava(config, NAME, segment);
        // Where a missing or empty server would lead if it were used: the spool itself.
        Files.copy(spool.resolve("pg/shipped/" + NAME), Files.createDirectories(spool.resolve("shipped"))
                .resolve(NAME));
        String settings = """
                receiver = 127.0.0.1:9433
                ca_file = ca.crt
                cert_file = pg1.crt
                key_file = pg1.key
                spool_directory = %s
                """.formatted(spool);

        Path noServer = writeConfig("no-server.conf", "[agent]\n" + settings);
        Path emptyServer = writeConfig("empty-server.conf", "[agent]\nserver =\n" + settings);
        Path commentedServer = writeConfig("commented-server.conf", "[agent]\n;server = pg\n# server = pg\n" + settings);
        Path otherSection = writeConfig("other-section.conf", "[agent]\n" + settings + "\n[pg]\nserver = pg\n");
        Path noAgent = writeConfig("no-agent.conf", "[walship]\nserver = pg\n" + settings);

        for (Path broken : List.of(noServer, emptyServer, commentedServer, otherSection, noAgent)) {
            assertAnswers(1, "push", "--config", broken.toString(), segment.toString(), NAME);
        }
        assertAnswers(1, "push", "--config", dir.resolve("missing.conf").toString(), segment.toString(), NAME);
        assertAnswers(0, "push", "--config", config.toString(), segment.toString(), NAME);
    }

    @Test
    void aRecordOfAnotherServerDoesNotAnswer() throws Exception {
        recordWithJava(config, NAME, segment);
        Path other = writeConfig("other.conf", Files.readString(config).replace("server = pg", "server = pg2"));

        assertAnswers(1, "push", "--config", other.toString(), segment.toString(), NAME);
    }

    @Test
    void aRelativeSpoolDirectoryIsRelativeToTheConfigFilesDirectory() throws Exception {
        Path relative = writeConfig("relative.conf", Files.readString(config)
                .replace("spool_directory = " + spool, "spool_directory = var/spool"));
        recordWithJava(relative, NAME, segment);
        assertTrue(Files.isRegularFile(etc.resolve("var/spool/pg/shipped").resolve(NAME)),
                "expected Java to keep the records under the config's directory");

        // From the checkout, from the data directory, and with the config named relative to the working directory.
        assertAnswers(0, "push", "--config", relative.toString(), segment.toString(), NAME);
        assertEquals(0, shippedAhead(dir.resolve("data"), Map.of(), "push", "--config", relative.toString(),
                "pg_wal/" + NAME, NAME));
        assertEquals(0, shippedAhead(dir, Map.of(), "push", "--config", "etc/relative.conf", segment.toString(),
                NAME));
        assertSameRecordAsJava(relative);

        Path dotted = writeConfig("dotted.conf", Files.readString(config)
                .replace("spool_directory = " + spool, "spool_directory = ../spool"));
        recordWithJava(dotted, NAME, segment);
        assertTrue(Files.isRegularFile(spool.resolve("pg/shipped").resolve(NAME)), "expected ../spool to be " + spool);
        assertAnswers(0, "push", "--config", dotted.toString(), segment.toString(), NAME);
        assertSameRecordAsJava(dotted);
    }

    @Test
    void withoutSpoolDirectoryTheDefaultSpoolIsWhereBothLook() throws Exception {
        String server = "walship-test-" + UUID.randomUUID();
        Path absent = writeConfig("default.conf", Files.readString(config)
                .replace("server = pg", "server = " + server)
                .replace("spool_directory = " + spool + "\n", ""));
        // Records next to the config, where a relative default would look, must not be used.
        recordWithJava(config, NAME, segment);
        Files.createDirectories(etc.resolve(server).resolve("shipped"));
        Files.copy(spool.resolve("pg/shipped").resolve(NAME), etc.resolve(server).resolve("shipped").resolve(NAME));

        String traced = tracedRecordPath(absent);

        assertEquals(SpoolLayout.DEFAULT_ROOT.resolve(server).resolve("shipped").resolve(NAME).toString(), traced);
        assertSameRecordAsJava(absent);
        assertAnswers(1, "push", "--config", absent.toString(), segment.toString(), NAME);
    }

    /** Java treats {@code spool_directory =} with no value like an absent one; the launcher must look there too. */
    @Test
    void anEmptySpoolDirectoryIsTheDefaultAsJavaReadsIt() throws Exception {
        String server = "walship-test-" + UUID.randomUUID();
        Path empty = writeConfig("empty-spool.conf", Files.readString(config)
                .replace("server = pg", "server = " + server)
                .replace("spool_directory = " + spool, "spool_directory ="));
        recordWithJava(config, NAME, segment);
        Files.createDirectories(etc.resolve(server).resolve("shipped"));
        Files.copy(spool.resolve("pg/shipped").resolve(NAME), etc.resolve(server).resolve("shipped").resolve(NAME));

        assertSameRecordAsJava(empty);
        assertAnswers(1, "push", "--config", empty.toString(), segment.toString(), NAME);
    }

    @Test
    void colonSeparatorsCommentsSpacingAndKeyCaseAreReadAsJavaReadsThem() throws Exception {
        Path fancy = writeConfig("fancy.conf", """
                # the agent of pg1   ; full-line comment
                ; server = wrong

                [ agent ]   ; a comment after the header
                ;server = wrong
                #spool_directory = /nonexistent/wrong
                receiver: 127.0.0.1:9433   # host:port after a colon separator
                \tServer :  pg\t; the Barman server
                ca_file=ca.crt
                cert_file = pg1.crt ;inline
                key_file = pg1.key
                SPOOL_DIRECTORY: %s    # where the records live
                """.formatted(spool));
        AgentConfig java = AgentConfig.load(fancy);
        assertEquals("pg", java.server());
        recordWithJava(fancy, NAME, segment);

        assertAnswers(0, "push", "--config", fancy.toString(), segment.toString(), NAME);
        assertAnswers(0, "push", "-c", fancy.toString(), segment.toString(), NAME);
        assertSameRecordAsJava(fancy);
    }

    @Test
    void windowsLineEndingsAreReadLikeJava() throws Exception {
        Path crlf = writeConfig("crlf.conf", Files.readString(config).replace("\n", "\r\n"));
        recordWithJava(crlf, NAME, segment);

        assertAnswers(0, "push", "--config", crlf.toString(), segment.toString(), NAME);
        assertSameRecordAsJava(crlf);
    }

    @Test
    void theScriptIsSilentWhenItAnswersAndWhenItFallsThrough() throws Exception {
        recordWithJava(config, NAME, segment);
        for (List<String> args : List.of(List.of("push", "--config", config.toString(), segment.toString(), NAME),
                List.of("push", "--config", config.toString(), segment.toString(), "00000001000000000000002B"),
                List.of("push", "--config", dir.resolve("missing.conf").toString(), segment.toString(), NAME))) {
            Result result = run(ROOT, Map.of(), false, args);
            assertEquals("", result.output(), "expected no output from shipped_ahead " + args);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private void assertAnswers(int expected, String... args) throws Exception {
        assertEquals(expected, shippedAhead(ROOT, Map.of(), args),
                "expected shipped_ahead " + String.join(" ", args) + " to " + (expected == 0 ? "answer (0)"
                        : "fall through (1)") + "; record dir " + listRecords());
    }

    private String listRecords() throws IOException {
        Path records = spool.resolve("pg/shipped");
        if (!Files.isDirectory(records)) {
            return records + " (absent)";
        }
        try (var files = Files.list(records)) {
            return records + " " + files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The record the agent run with {@code conf} writes and Java's push reads must be the one the launcher reads. */
    private void assertSameRecordAsJava(Path conf) throws Exception {
        Path java = AgentConfig.load(conf).spool().shipped(NAME);
        Path script = Path.of(tracedRecordPath(conf));
        assertEquals(java.toAbsolutePath().normalize(), ROOT.resolve(script).normalize(),
                "expected the launcher to read the record where Java writes and reads it, for " + conf + ":\n"
                        + Files.readString(conf));
    }

    private String tracedRecordPath(Path conf) throws Exception {
        Result result = run(ROOT, Map.of(), true,
                List.of("push", "--config", conf.toString(), segment.toString(), NAME));
        Matcher m = TRACED_RECORD.matcher(result.output());
        if (!m.find()) {
            fail("shipped_ahead did not get as far as choosing a record for " + conf + "; trace:\n" + result.output());
        }
        return m.group(1);
    }

    private void recordWithJava(Path conf, String name, Path file) throws Exception {
        new ShippedRecords(AgentConfig.load(conf).spool()).record(name, ShippedRecords.stamp(file));
    }

    private Path writeConfig(String fileName, String text) throws IOException {
        return Files.writeString(etc.resolve(fileName), text);
    }

    private static int shippedAhead(Path cwd, Map<String, String> env, String... args) throws Exception {
        Result result = run(cwd, env, false, List.of(args));
        if (result.exitCode() != 0 && result.exitCode() != 1) {
            fail("shipped_ahead " + List.of(args) + " exited with " + result.exitCode() + ":\n" + result.output());
        }
        return result.exitCode();
    }

    private record Result(int exitCode, String output) {
    }

    /** Sources the launcher's script from the checkout and runs {@code shipped_ahead ARGS} in {@code cwd}. */
    private static Result run(Path cwd, Map<String, String> env, boolean trace, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash"));
        if (trace) {
            command.add("-x");
        }
        command.addAll(List.of("-c", ". \"$0\"; shipped_ahead \"$@\"",
                ROOT.resolve("bin/lib/shipped.sh").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().remove(AgentConfig.ENVIRONMENT);
        builder.environment().put("LC_ALL", "C");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("shipped_ahead " + args + " did not finish within 30 s");
        }
        return new Result(process.exitValue(), output);
    }

    private static String stat(Path file) throws Exception {
        Process process = new ProcessBuilder("stat", "-c", "%s %.9Y", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "stat failed: " + output);
        return output;
    }

    private static void touch(Path file, String time) throws Exception {
        Process process = new ProcessBuilder("touch", "-d", time, file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "touch failed: " + output);
    }
}
