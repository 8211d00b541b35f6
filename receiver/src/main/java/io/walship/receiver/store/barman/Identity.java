package io.walship.receiver.store.barman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's {@code identity.json} in Barman's format, {@code {"systemid": "...", "version": "15"}}: the
 * PostgreSQL cluster this archive belongs to. Read with a pattern rather than a JSON library because only
 * these two string fields matter and Barman writes them flat.
 */
public record Identity(String systemId, String version) {

    private static final Pattern SYSTEM_ID = Pattern.compile("\"systemid\"\\s*:\\s*\"?(\\d+)\"?");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"?([0-9.]+)\"?");

    public static Optional<Identity> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String json = Files.readString(file, StandardCharsets.UTF_8);
        Matcher systemId = SYSTEM_ID.matcher(json);
        if (!systemId.find()) {
            throw new IOException(file + " has no \"systemid\"; fix or remove it");
        }
        Matcher version = VERSION.matcher(json);
        return Optional.of(new Identity(systemId.group(1), version.find() ? version.group(1) : ""));
    }

    public String toJson() {
        return "{\"systemid\": \"" + systemId + "\", \"version\": \"" + version + "\"}\n";
    }
}
