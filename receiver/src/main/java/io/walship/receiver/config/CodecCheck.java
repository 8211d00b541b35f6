package io.walship.receiver.config;

import io.walship.protocol.CheckItem;
import java.util.Optional;

/** Whether the Barman that reads a server's archive reads the codec the receiver writes it with. */
public final class CodecCheck {

    public static final String NAME = "compression";

    private CodecCheck() {
    }

    public static CheckItem of(BarmanServer server, ArchiveReader reader) {
        String codec = server.compression().configName;
        Optional<BarmanVersion> barman = reader.barman();
        if (reader.none()) {
            return CheckItem.ok(NAME, codec + ", read by walship fetch (barman_version = none: no Barman reads it)");
        }
        if (barman.isEmpty()) {
            return CheckItem.warning(NAME, codec + " from " + server.compressionSource() + "; the receiver does not "
                    + "know which Barman reads the archive, so cannot tell whether it reads " + codec + ": set "
                    + "barman_version in [receiver], or ignore this if only walship fetch restores from it");
        }
        if (!BarmanCompression.readable(server.compression(), barman.get())) {
            return CheckItem.failed(NAME, codec + " from " + server.compressionSource() + ", which Barman "
                    + barman.get() + " cannot read (it needs Barman " + BarmanVersion.READS_ZSTD + " or later); set "
                    + "compression = gzip for [" + server.name() + "], or upgrade Barman");
        }
        return CheckItem.ok(NAME, codec + ", read by Barman " + barman.get());
    }
}
