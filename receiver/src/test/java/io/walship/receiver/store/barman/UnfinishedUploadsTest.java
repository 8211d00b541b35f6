package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.receiver.store.UploadTemps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temp files that uploads killed with their receiver left in the wals directory, and nothing else, are swept. */
class UnfinishedUploadsTest {

    @TempDir
    Path wals;

    @Test
    void onlyUploadTempFilesUnchangedForTheIdleTimeAreRemoved() throws IOException {
        Path hashDir = Files.createDirectories(wals.resolve("0000000100000000"));
        Path segmentTemp = Files.write(UnfinishedUploads.tempFor(hashDir.resolve("000000010000000000000002")),
                new byte[4096]);
        Path historyTemp = Files.write(UnfinishedUploads.tempFor(wals.resolve("00000002.history")), new byte[10]);
        List<Path> kept = List.of(
                Files.write(hashDir.resolve("000000010000000000000001"), new byte[100]),
                Files.write(wals.resolve("00000002.history"), new byte[10]),
                Files.write(wals.resolve("xlog.db"), new byte[50]),
                Files.write(wals.resolve(".xlog.db.tmp"), new byte[50]),
                Files.write(hashDir.resolve("notes.walship-tmp.txt"), new byte[5]));

        assertEquals(new UploadTemps.Swept(0, 0), UnfinishedUploads.sweep(wals, Duration.ofHours(1)),
                "files as young as these may belong to a live upload");
        assertEquals(new UploadTemps.Swept(2, 4096 + 10), UnfinishedUploads.sweep(wals, Duration.ZERO));

        TreeSet<Path> left = new TreeSet<>();
        try (Stream<Path> files = Files.walk(wals)) {
            files.filter(Files::isRegularFile).forEach(left::add);
        }
        assertEquals(new TreeSet<>(kept), left, segmentTemp + " and " + historyTemp + " gone, nothing else");
    }

    @Test
    void aMissingWalsDirectoryHasNothingToSweep() throws IOException {
        assertEquals(new UploadTemps.Swept(0, 0), UnfinishedUploads.sweep(wals.resolve("none"), Duration.ZERO));
    }
}
