package io.walship.agent.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class CaCommandTest {

    @TempDir
    Path tmp;

    /** The captured outcome of one command line. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CaCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void initWritesTheCaAndSaysSo() {
        Path dir = tmp.resolve("ca");

        Run run = run("init", "--dir", dir.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("walship ca: wrote " + dir.resolve("ca.crt") + " and " + dir.resolve("ca.key") + "\n", run.out());
        assertEquals("", run.err());
        assertTrue(Files.exists(dir.resolve("ca.crt")));
    }

    @Test
    void initTwiceFailsWithOneLine() throws Exception {
        run("init", "--dir", tmp.toString());
        byte[] key = Files.readAllBytes(tmp.resolve("ca.key"));

        Run run = run("init", "--dir", tmp.toString());

        assertEquals(2, run.exitCode());
        assertEquals("", run.out());
        assertEquals("walship ca: " + tmp.resolve("ca.crt") + " already exists; refusing to overwrite it "
                + "(remove it first or choose another --dir)\n", run.err());
        assertArrayEquals(key, Files.readAllBytes(tmp.resolve("ca.key")));
    }

    @Test
    void issueServerAndClientCertificates() throws Exception {
        run("init", "--dir", tmp.toString());

        Run server = run("issue", "--dir", tmp.toString(), "--name", "receiver", "--host", "localhost",
                "--host", "127.0.0.1,::1");
        Run client = run("issue", "--dir", tmp.toString(), "--name", "agent1");

        assertEquals(0, server.exitCode(), server.err());
        assertEquals("walship ca: wrote " + tmp.resolve("receiver.crt") + " and " + tmp.resolve("receiver.key")
                + " (server certificate CN=receiver for localhost, 127.0.0.1, ::1)\n", server.out());
        X509Certificate serverCert = TestPem.certificate(tmp.resolve("receiver.crt"));
        assertEquals(3, serverCert.getSubjectAlternativeNames().size());
        assertEquals(0, client.exitCode(), client.err());
        assertEquals("walship ca: wrote " + tmp.resolve("agent1.crt") + " and " + tmp.resolve("agent1.key")
                + " (client certificate CN=agent1)\n", client.out());
    }

    @Test
    void relativeDirIsReportedAbsolute() {
        Path relative = Path.of("").toAbsolutePath().relativize(tmp.resolve("rel"));

        Run run = run("init", "--dir", relative.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(" " + tmp.resolve("rel/ca.crt") + " "), run.out());
    }

    @Test
    void issueWithoutCaFailsWithOneLine() {
        Run run = run("issue", "--dir", tmp.toString(), "--name", "agent1");

        assertEquals(2, run.exitCode());
        assertEquals("walship ca: " + tmp.resolve("ca.crt") + " not found; create the CA first with: "
                + "walship ca init --dir " + tmp + "\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void badNameFailsWithOneLine() {
        run("init", "--dir", tmp.toString());

        Run run = run("issue", "--dir", tmp.toString(), "--name", "../etc/passwd");

        assertEquals(2, run.exitCode());
        assertOneErrorLine(run, "walship ca: --name '../etc/passwd' is not valid");
    }

    @Test
    void badHostFailsWithOneLine() {
        run("init", "--dir", tmp.toString());

        Run run = run("issue", "--dir", tmp.toString(), "--name", "receiver", "--host", "no way");

        assertEquals(2, run.exitCode());
        assertOneErrorLine(run, "walship ca: --host no way is neither a DNS name nor an IPv4/IPv6 address");
    }

    @Test
    void initBelowAFileFailsWithOneLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");

        Run run = run("init", "--dir", file.resolve("ca").toString());

        assertEquals(2, run.exitCode());
        assertOneErrorLine(run, "walship ca: " + file);
        assertTrue(run.err().contains("(check --dir)"), run.err());
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Run run = run("issue", "--name", "agent1");

        assertEquals(CommandLine.ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("Missing required option: '--dir=DIR'"), run.err());
    }

    @Test
    void helpDescribesOptionsAndExamples() {
        Run top = run("--help");
        Run issue = run("issue", "--help");

        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("init") && top.out().contains("issue"), top.out());
        assertTrue(top.out().contains("Example"), top.out());
        assertEquals(0, issue.exitCode());
        for (String expected : List.of("--dir=DIR", "--name=NAME", "--host=HOST", "Examples:", "--host 192.0.2.10")) {
            assertTrue(issue.out().contains(expected), expected + " in\n" + issue.out());
        }
    }

    private static void assertOneErrorLine(Run run, String prefix) {
        assertTrue(run.err().startsWith(prefix), run.err());
        assertTrue(run.err().endsWith("\n"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals("", run.out());
    }
}
