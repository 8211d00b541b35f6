package io.walship.agent.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The light training run drives the real fetch from the spool: when it changes, it must still get through.
 * The network training needs a real receiver, so it runs in the receiver module's AotTrainingIT.
 */
class AotTrainingCommandTest {

    @Test
    void fetchesFromTheSpoolWithoutStartingAReadAhead() {
        AotTrainingCommand light = new AotTrainingCommand();
        light.light = true;
        assertEquals(0, light.call());
        assertEquals(0, ProcessHandle.current().children().count());
    }
}
