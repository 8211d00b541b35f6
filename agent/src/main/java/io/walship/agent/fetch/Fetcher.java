package io.walship.agent.fetch;

import io.walship.agent.config.FetchCompression;
import io.walship.agent.net.ReceiverClient;
import io.walship.agent.net.ReceiverFailure;
import io.walship.agent.spool.SpoolLayout;
import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Fetches one archived file to a destination, all or nothing: into a temp file beside it, verified
 * (transfer checksum; for segments the WAL page header against name and size), then renamed.
 */
final class Fetcher {

    /** Gives a verified download its final name. */
    @FunctionalInterface
    interface Publisher {
        void publish(Path verified, Path destination) throws IOException;
    }

    private static final Publisher RENAME = (verified, destination) -> Files.move(verified, destination,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    private final ReceiverClient client;
    private final String server;
    private final FetchCompression compression;

    Fetcher(ReceiverClient client, String server, FetchCompression compression) {
        this.client = client;
        this.server = server;
        this.compression = compression;
    }

    FetchResult fetch(WalFileName name, Path destination) throws ReceiverFailure, IOException {
        return fetch(name, destination, RENAME);
    }

    FetchResult fetch(WalFileName name, Path destination, Publisher publisher) throws ReceiverFailure, IOException {
        Path temp = SpoolLayout.downloadTemp(destination);
        try {
            FetchResult result = client.run(new FetchExchange(server, name.name(), compression, temp));
            if (result.status() != FetchResult.Status.FETCHED) {
                return result;
            }
            long segmentSize = 0;
            if (name.kind().hasWalHeader()) {
                Optional<String> problem;
                WalPageHeader header;
                try (InputStream in = Files.newInputStream(temp)) {
                    byte[] head = in.readNBytes(WalPageHeader.SIZE);
                    if (head.length < WalPageHeader.SIZE) {
                        return FetchResult.of(FetchResult.Status.DAMAGED, name.name() + " arrived with only "
                                + head.length + " bytes");
                    }
                    header = WalPageHeader.parse(head);
                }
                problem = WalHeaderCheck.problem(name, Files.size(temp), header);
                if (problem.isPresent()) {
                    return FetchResult.of(FetchResult.Status.DAMAGED, "the archived " + problem.get());
                }
                segmentSize = header.segmentSize();
            }
            publisher.publish(temp, destination);
            return new FetchResult(FetchResult.Status.FETCHED, result.message(), segmentSize);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
