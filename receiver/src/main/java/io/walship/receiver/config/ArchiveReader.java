package io.walship.receiver.config;

import java.util.Optional;

/**
 * Who reads a receiver's archives besides walship fetch: a Barman of a known release, one of an unknown release,
 * or none at all ({@code barman_version = none}).
 */
public record ArchiveReader(Optional<BarmanVersion> barman, boolean none) {

    public static ArchiveReader barman(BarmanVersion version) {
        return new ArchiveReader(Optional.of(version), false);
    }

    public static ArchiveReader unknown() {
        return new ArchiveReader(Optional.empty(), false);
    }

    public static ArchiveReader noBarman() {
        return new ArchiveReader(Optional.empty(), true);
    }
}
