package io.walship.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The checked-in seeds of a fuzz target: the files under {@code fuzz/<target>/} on the test class path. */
public final class Corpus {

    /** A seed file; for WAL text files the file name is the WAL file name the content belongs to. */
    public record Seed(String name, byte[] bytes) {

        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {
    }

    public static List<Seed> of(String target) {
        URL url = Corpus.class.getResource("/fuzz/" + target);
        if (url == null) {
            throw new IllegalStateException("no seed corpus fuzz/" + target + " on the test class path");
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<Seed> seeds = files.sorted(Comparator.comparing(Path::toString))
                    .map(file -> new Seed(file.getFileName().toString(), read(file)))
                    .toList();
            if (seeds.isEmpty()) {
                throw new IllegalStateException("the seed corpus fuzz/" + target + " is empty");
            }
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
