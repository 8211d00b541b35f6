package io.walship.agent.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoClobberWriterTest {

    @TempDir
    Path dir;

    @Test
    void writesAllFilesWithTheirModes() throws IOException {
        NoClobberWriter.writeAll(dir, List.of(file("a.crt", "cert", false), file("a.key", "key", true)));

        assertEquals("cert", Files.readString(dir.resolve("a.crt")));
        assertEquals("key", Files.readString(dir.resolve("a.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.key"))));
        assertEquals(Set.of("a.crt", "a.key"), names());
    }

    @Test
    void existingTargetStopsEverything() throws IOException {
        Files.writeString(dir.resolve("a.key"), "old");

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> NoClobberWriter.writeAll(
                dir, List.of(file("a.crt", "cert", false), file("a.key", "key", true))));

        assertEquals(dir.resolve("a.key").toString(), e.getFile());
        assertArrayEquals("old".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(dir.resolve("a.key")));
        assertEquals(Set.of("a.key"), names());
    }

    @Test
    void failureOnTheSecondFileWithdrawsTheFirst() {
        // The second target's directory does not exist, so linking it fails after the first is in place.
        assertThrows(NoSuchFileException.class, () -> NoClobberWriter.writeAll(dir, List.of(
                file("a.crt", "cert", false),
                new NoClobberWriter.NewFile(dir.resolve("missing/a.key"), bytes("key"), true))));

        assertEquals(Set.of(), names());
    }

    private NoClobberWriter.NewFile file(String name, String content, boolean secret) {
        return new NoClobberWriter.NewFile(dir.resolve(name), bytes(content), secret);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private Set<String> names() {
        try (Stream<Path> entries = Files.list(dir)) {
            return Set.copyOf(entries.map(p -> p.getFileName().toString()).toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
