package io.walship.receiver.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A certificate authority's directory, made and filled by the real {@code walship ca init} and {@code ca issue}. */
final class CaDirectory {

    private final Launcher launcher;
    private final Path dir;

    private CaDirectory(Launcher launcher, Path dir) {
        this.launcher = launcher;
        this.dir = dir;
    }

    static CaDirectory init(Launcher launcher, Path dir) throws IOException {
        launcher.ok("ca", "init", "--dir", dir.toString());
        return new CaDirectory(launcher, dir);
    }

    /** Issues {@code name}'s certificate and key; with hosts, a server certificate for those names. */
    CaDirectory issue(String name, String... hosts) throws IOException {
        List<String> args = new ArrayList<>(List.of("ca", "issue", "--dir", dir.toString(), "--name", name));
        for (String host : hosts) {
            args.add("--host");
            args.add(host);
        }
        launcher.ok(args.toArray(String[]::new));
        return this;
    }

    Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    Path caKey() {
        return dir.resolve("ca.key");
    }

    Path certificate(String name) {
        return dir.resolve(name + ".crt");
    }

    Path key(String name) {
        return dir.resolve(name + ".key");
    }
}
