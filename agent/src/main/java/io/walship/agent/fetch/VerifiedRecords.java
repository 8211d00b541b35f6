package io.walship.agent.fetch;

import io.walship.agent.spool.RecordNames;
import io.walship.agent.spool.ShippedRecords;
import io.walship.agent.spool.SpoolLayout;
import io.walship.fs.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * {@code verified/NAME}: that the spooled file NAME is a download that passed verification, as
 * {@code SIZE SECONDS.NANOSECONDS INODE} (GNU {@code stat -c '%s %.9Y %i'}) of that very file. Written durably
 * before the file is renamed into the spool, so that neither fetch in Java nor the launcher (bin/lib/fetched.sh)
 * ever serves a spooled file that is truncated, was replaced, or was never verified: any of those has another
 * size, time or inode than its record, or no record.
 */
final class VerifiedRecords {

    private final SpoolLayout layout;

    VerifiedRecords(SpoolLayout layout) {
        this.layout = layout;
    }

    static String stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        return ShippedRecords.stamp(attributes) + " " + Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    /** Records {@code verified}, which is about to be renamed to {@code name} in the spool. */
    void record(String name, Path verified) throws IOException {
        Files.createDirectories(layout.verifiedDir());
        AtomicFile.replaceDurably(layout.verified(name), (stamp(verified) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** True when {@code file} is the one recorded as verified under {@code name}. */
    boolean matches(String name, Path file) throws IOException {
        try {
            String recorded = Files.readString(layout.verified(name), StandardCharsets.US_ASCII).strip();
            return recorded.equals(stamp(file));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    void forget(String name) throws IOException {
        Files.deleteIfExists(layout.verified(name));
    }

    Set<String> names() throws IOException {
        return RecordNames.in(layout.verifiedDir());
    }
}
