package io.walship.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers: a rename or a new file only survives a crash once its directory is synced too. */
public final class Durable {

    private Durable() {
    }

    public static void syncDirectory(Path dir) throws IOException {
        syncFile(dir);
    }

    /** Puts what was written to {@code file}, through any channel, on disk (a directory too: its entries). */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Creates {@code dir} (and missing parents), syncing each parent that gained an entry. */
    public static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return;
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /** Writes all of {@code content} at the channel's position: one write may take less than it is given. */
    public static void writeFully(FileChannel channel, ByteBuffer content) throws IOException {
        while (content.hasRemaining()) {
            channel.write(content);
        }
    }

    /** {@link #writeFully}, then forces the file's content and metadata to disk. */
    public static void writeAndForce(FileChannel channel, ByteBuffer content) throws IOException {
        writeFully(channel, content);
        channel.force(true);
    }

    /**
     * Writes {@code content} at {@code end} and forces it, all or nothing: a write cut short (a full disk) is taken
     * back to {@code end}, so that no part of it is left for the next append to be glued onto.
     */
    public static void appendOrUndo(FileChannel channel, long end, ByteBuffer content) throws IOException {
        try {
            channel.position(end);
            writeAndForce(channel, content);
        } catch (IOException e) {
            try {
                channel.truncate(end);
                channel.force(true);
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }
}
