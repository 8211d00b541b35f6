package io.walship.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.agent.fetch.FetchCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code walship} says about a mistake on its command line, and where it sends the user for help. */
class CommandLineErrorsTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run walship(String... args) {
        CommandLine commandLine = Walship.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aMissingParameterPointsToTheSubcommandsOwnHelp() {
        Run run = walship("push", "000000010000000000000001");

        assertEquals(2, run.exitCode());
        assertEquals("walship push: Missing required parameter: 'NAME' (see walship push --help)\n", run.err());
    }

    /** restore_command: PostgreSQL takes any exit code up to 125 for "not in the archive" and ends recovery. */
    @Test
    void aMistakeInRestoreCommandStopsRecoveryRatherThanEndingIt() {
        Run run = walship("fetch", "000000010000000000000001");

        assertEquals(FetchCommand.UNAVAILABLE, run.exitCode());
        assertTrue(run.err().startsWith("walship fetch: Missing required parameter: 'PATH'"), run.err());
        assertTrue(run.err().endsWith(" (see walship fetch --help)\n"), run.err());
    }

    @Test
    void anUnknownOptionOfANestedCommandPointsToItsHelp() {
        Run run = walship("ca", "issue", "--dir", "ca", "--name", "pg1", "--hots", "db1");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("walship ca issue: Unknown options: '--hots', 'db1'"), run.err());
        assertTrue(run.err().endsWith(" (see walship ca issue --help)\n"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void aMisspeltCommandGetsASuggestion() {
        Run run = walship("pusj");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'pusj'; did you mean push"), run.err());
        assertTrue(run.err().endsWith(" (see walship --help)\n"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void helpCommandShowsTheHelpOfTheCommandItNames() {
        Run help = walship("help", "push");
        Run option = walship("push", "--help");

        assertEquals(0, help.exitCode());
        assertEquals(option.out(), help.out());
        assertTrue(help.out().startsWith("Usage: walship push "), help.out());
    }

    @Test
    void helpOfANestedCommand() {
        Run run = walship("ca", "help", "issue");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: walship ca issue "), run.out());
    }

    @Test
    void aotCacheHelpDescribesTheCachesAndWritesNothing() {
        Run run = walship("aot-cache", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("Usage: walship aot-cache "), run.out());
        assertTrue(run.out().contains("walship-agent-light.aot"), run.out());
    }

    @Test
    void aCommandWithoutItsSubcommandSaysSo() {
        Run run = walship("ca");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("walship ca: "), run.err());
        assertTrue(run.err().endsWith(" (see walship ca --help)\n"), run.err());
    }
}
