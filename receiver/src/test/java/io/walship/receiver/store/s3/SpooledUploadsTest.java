package io.walship.receiver.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.receiver.store.UploadTemps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpooledUploadsTest {

    @TempDir
    Path dir;

    private Path file(String name, Duration age) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "spooled bytes");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(age)));
        return file;
    }

    @Test
    void onlyUploadsUnchangedForTheIdleTimeGo() throws IOException {
        file(".walship-s3-pg-000000010000000000000001-123.tmp", Duration.ofHours(1));
        file(".walship-s3-pg-000000010000000000000002-456.tmp", Duration.ofSeconds(5));
        file("someone-elses.tmp", Duration.ofDays(3));
        file(".walship-s3-pg-notes.txt", Duration.ofDays(3));

        UploadTemps.Swept swept = SpooledUploads.sweep(dir, Duration.ofMinutes(10));

        assertEquals(new UploadTemps.Swept(1, 13), swept);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(".walship-s3-pg-000000010000000000000002-456.tmp", ".walship-s3-pg-notes.txt",
                    "someone-elses.tmp"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anUploadUnderWayIsNeverSweptHoweverOldItsFile() throws IOException {
        Path live = file(".walship-s3-pg-000000010000000000000003-789.tmp", Duration.ofHours(1));
        UploadTemps.live(live);
        try {
            assertEquals(new UploadTemps.Swept(0, 0), SpooledUploads.sweep(dir, Duration.ofMinutes(10)));
        } finally {
            UploadTemps.done(live);
        }
        assertEquals(new UploadTemps.Swept(1, 13), SpooledUploads.sweep(dir, Duration.ofMinutes(10)),
                "expected it swept once its upload is done with it");
    }
}
