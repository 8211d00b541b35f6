package io.walship.receiver.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.testing.HelpLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code walship verify --help}, and what a mistake on its command line makes of a Nagios check. */
class VerifyHelpTest {

    @Test
    void theHelpBreaksNoExampleOrWordAcrossLines() {
        assertEquals(List.of(), HelpLayout.problems(VerifyCommand.commandLine()));
    }

    @Test
    void aMistakeOnTheCommandLineIsNagiosUnknownAndPointsToTheHelp() {
        StringWriter err = new StringWriter();
        CommandLine verify = VerifyCommand.commandLine();
        verify.setErr(new PrintWriter(err, true));

        assertEquals(VerifyCommand.UNKNOWN, verify.execute("--nagio", "pg"));
        assertEquals("walship verify: Unknown option: '--nagio'; did you mean --nagios? (see walship verify --help)\n", err.toString());
    }
}
