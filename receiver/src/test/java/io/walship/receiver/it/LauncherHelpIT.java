package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The help of the commands the launcher itself routes: the receiver's programs, and aot-cache. */
class LauncherHelpIT {

    private final Launcher launcher = Launcher.locate();

    @Test
    void helpOfTheReceiversCommandsIsTheirOwn() throws IOException {
        for (String command : List.of("receiver", "verify", "receiver-status")) {
            Proc.Result help = launcher.run("help", command);
            Proc.Result option = launcher.run(command, "--help");

            assertEquals(0, help.exitCode(), help.describe());
            assertTrue(help.stdout().startsWith("Usage: walship " + command + " "), help.describe());
            assertEquals(option.stdout(), help.stdout());
        }
    }

    @Test
    void aotCacheHelpDescribesTheCachesAndLeavesThemAlone() throws IOException {
        Path agentJars = launcher.executable().getParent().getParent().resolve("agent/target");
        List<Optional<Long>> before = cacheTimes(agentJars);

        Proc.Result help = launcher.run("aot-cache", "--help");
        Proc.Result mistake = launcher.run("aot-cache", "--now");

        assertEquals(0, help.exitCode(), help.describe());
        assertTrue(help.stdout().startsWith("Usage: walship aot-cache "), help.describe());
        assertEquals(2, mistake.exitCode(), mistake.describe());
        assertEquals("walship aot-cache: Unknown option: '--now' (see walship aot-cache --help)\n", mistake.stderr());
        assertEquals(before, cacheTimes(agentJars), "the caches must be as they were");
    }

    private static List<Optional<Long>> cacheTimes(Path dir) throws IOException {
        List<Optional<Long>> times = new ArrayList<>();
        for (String name : List.of("walship-agent.aot", "walship-agent.aot.jdk", "walship-agent-light.aot",
                "walship-agent-light.aot.jdk")) {
            Path file = dir.resolve(name);
            times.add(Files.exists(file) ? Optional.of(Files.getLastModifiedTime(file).toMillis()) : Optional.empty());
        }
        return times;
    }
}
