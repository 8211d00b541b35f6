package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.aot.AotTrainingCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The network training behind {@code bin/walship aot-cache} drives the real push and fetch in this JVM against a
 * real receiver that the launcher starts: when either changes, the training must still get through both.
 */
class AotTrainingIT {

    @Test
    void pushesAndFetchesThroughARealReceiver() {
        String launcher = Launcher.locate().executable().toString();

        assertEquals(0, new CommandLine(new AotTrainingCommand()).execute("--launcher", launcher));
    }
}
