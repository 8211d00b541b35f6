package io.walship.agent;

import java.nio.file.Files;
import java.nio.file.Path;

/** The source checkout, for tests of the launcher's scripts: tests run in the agent module, its child. */
public final class Checkout {

    private Checkout() {
    }

    public static Path root() {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {cwd.getParent(), cwd}) {
            if (candidate != null && Files.isRegularFile(candidate.resolve("bin/lib/shipped.sh"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find bin/lib/shipped.sh in " + cwd + " or its parent");
    }
}
