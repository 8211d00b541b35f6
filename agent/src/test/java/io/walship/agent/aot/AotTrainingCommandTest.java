package io.walship.agent.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The training run drives the real push and fetch: when they change, it must still get through both. */
class AotTrainingCommandTest {

    @Test
    void pushesAndFetchesThroughTheTrainingPeer() {
        assertEquals(0, new AotTrainingCommand().call());
    }

    @Test
    void fetchesFromTheSpoolWithoutStartingAReadAhead() {
        AotTrainingCommand light = new AotTrainingCommand();
        light.light = true;
        assertEquals(0, light.call());
        assertEquals(0, ProcessHandle.current().children().count());
    }
}
