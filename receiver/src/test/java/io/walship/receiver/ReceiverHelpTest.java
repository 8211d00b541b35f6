package io.walship.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.testing.HelpLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code walship receiver --help}, and where a mistake on its command line sends the user. */
class ReceiverHelpTest {

    @Test
    void noHelpBreaksAnExampleOrAWordAcrossLines() {
        assertEquals(List.of(), HelpLayout.problems(ReceiverMain.commandLine()));
    }

    @Test
    void aMistakeOnTheCommandLinePointsToTheCommandsHelp() {
        StringWriter err = new StringWriter();
        CommandLine receiver = ReceiverMain.commandLine();
        receiver.setErr(new PrintWriter(err, true));

        assertEquals(2, receiver.execute("--confg", "receiver.conf"));
        assertEquals("walship receiver: Unknown options: '--confg', 'receiver.conf'; did you mean --config? "
                + "(see walship receiver --help)\n", err.toString());
    }
}
