package io.walship.agent.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoverySignalsTest {

    @TempDir
    Path pgdata;

    @Test
    void recoveryEndsWhenTheLastSignalFileGoes() throws IOException {
        Files.createFile(pgdata.resolve("recovery.signal"));
        Files.createFile(pgdata.resolve("standby.signal"));
        Supplier<Optional<String>> ended = RecoverySignals.watch(pgdata);

        assertEquals(Optional.empty(), ended.get(), "both signal files are there");
        Files.delete(pgdata.resolve("standby.signal"));
        assertEquals(Optional.empty(), ended.get(), "recovery.signal is still there");
        Files.delete(pgdata.resolve("recovery.signal"));
        assertTrue(ended.get().orElseThrow().startsWith("recovery ended: "), "both are gone");
    }

    @Test
    void withoutASignalFileAtTheStartNothingIsEverSaid() throws IOException {
        Supplier<Optional<String>> ended = RecoverySignals.watch(pgdata);

        assertEquals(Optional.empty(), ended.get());
        Files.createFile(pgdata.resolve("recovery.signal"));
        Files.delete(pgdata.resolve("recovery.signal"));
        assertEquals(Optional.empty(), ended.get(), "not started in recovery: not watched");
    }
}
