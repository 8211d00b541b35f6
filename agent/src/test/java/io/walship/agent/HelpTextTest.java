package io.walship.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.testing.HelpLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The help of every command on the PostgreSQL host, as {@code walship COMMAND --help} prints it. */
class HelpTextTest {

    private static final Map<String, CommandLine> COMMANDS = HelpLayout.commands(new CommandLine(new Walship()));

    @Test
    void everyCommandIsThere() {
        assertEquals(List.of("walship", "walship push", "walship fetch", "walship agent", "walship check",
                "walship status", "walship ca",
                "walship ca init", "walship ca issue", "walship ca help", "walship prefetch", "walship aot-cache",
                "walship help"), List.copyOf(COMMANDS.keySet()));
    }

    @Test
    void noHelpBreaksAnExampleOrAWordAcrossLines() {
        List<String> problems = COMMANDS.entrySet().stream().flatMap(command -> HelpLayout.problems(command.getValue())
                .stream().map(problem -> command.getKey() + " --help: " + problem)).toList();

        assertEquals(List.of(), problems);
    }

    @Test
    void everyCommandHasItsHelpOption() {
        COMMANDS.forEach((name, command) -> assertTrue(command.getCommandSpec().optionsMap().containsKey("--help")
                || name.endsWith(" help"), name + " has no --help"));
    }
}
