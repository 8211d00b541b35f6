package io.walship.agent.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The agent's line of walship status: who started it, or what the next push does without it. */
class StatusTextTest {

    @Test
    void anAgentThatPushStartedSaysSo() {
        assertEquals("running (pid 42, started by walship push), shipping",
                agentLine(new ServerStatus.Agent(true, 42L, true, true, null, null, null)));
        assertEquals("running (pid 42), shipping",
                agentLine(new ServerStatus.Agent(true, 42L, false, true, null, null, null)));
    }

    @Test
    void withoutAnAgentTheLineSaysWhetherPushStartsOne() {
        assertEquals("not running; walship push starts it",
                agentLine(new ServerStatus.Agent(false, null, null, true, null, null, null)));
        assertEquals("not running; each walship push sends its own file",
                agentLine(new ServerStatus.Agent(false, null, null, false, null, null, null)));
    }

    private static String agentLine(ServerStatus.Agent agent) {
        String text = StatusText.of(new ServerStatus("pg", "backup:9433", null, null, null, null, null, null, agent,
                null, null, null, null));
        return text.lines().filter(line -> line.startsWith("\tagent: ")).findFirst().orElseThrow()
                .substring("\tagent: ".length());
    }
}
