package io.walship.receiver.store.s3;

import io.walship.receiver.store.UploadTemps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The temp files uploads to a bucket are spooled into: {@code .walship-s3-SERVER-NAME-RANDOM.tmp} in the server's
 * temp_directory; {@link UploadTemps} sweeps those a killed receiver left.
 */
final class SpooledUploads {

    static final String PREFIX = ".walship-s3-";
    static final String SUFFIX = ".tmp";

    private SpooledUploads() {
    }

    /**
     * Removes the spooled uploads in {@code dir} not modified for {@code idle} and held by no upload of this
     * receiver: a live upload of another writes its file as its bytes arrive, is ended by the upload idle timeout,
     * and its put by the call timeout, all far shorter.
     */
    static UploadTemps.Swept sweep(Path dir, Duration idle) throws IOException {
        List<Path> temps = new ArrayList<>();
        try (DirectoryStream<Path> spooled = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            spooled.forEach(temps::add);
        }
        return UploadTemps.sweep(temps, idle, "lastModifiedTime");
    }
}
