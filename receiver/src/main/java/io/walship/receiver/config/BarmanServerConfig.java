package io.walship.receiver.config;

import java.util.Optional;

/**
 * What walship needs of one server section of Barman's configuration, resolved as Barman resolves it: set in
 * the section, else inherited from [barman] (for keys Barman inherits), else Barman's default.
 *
 * @param compression Barman's {@code compression} value, empty when Barman stores WAL uncompressed
 * @param compressionSource where that value comes from, for messages
 */
public record BarmanServerConfig(String name, ServerDirectories directories, Optional<String> compression,
        String compressionSource) {
}
