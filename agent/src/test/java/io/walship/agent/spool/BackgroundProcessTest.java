package io.walship.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.Walship;
import org.junit.jupiter.api.Test;

/** Background processes start the real main class, which the spool package names without importing it. */
class BackgroundProcessTest {

    @Test
    void theMainClassIsWalship() {
        assertEquals(Walship.class.getName(), BackgroundProcess.MAIN_CLASS);
    }
}
