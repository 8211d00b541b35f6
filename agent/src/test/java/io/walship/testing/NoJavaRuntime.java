package io.walship.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What proves that the launcher answered a command without a JVM: in a launcher's tree {@code home} (its bin/
 * copied there), a "java" of the packages' runtime that appends its arguments to {@code note} and exits
 * {@value #EXIT}, and an agent jar that is no jar. Whatever the launcher leaves to Java shows in {@code note}.
 */
public final class NoJavaRuntime {

    public static final int EXIT = 99;

    private NoJavaRuntime() {
    }

    public static void install(Path home, Path note) throws IOException {
        Files.writeString(Files.createDirectories(home.resolve("agent")).resolve("walship-agent.jar"), "not a jar");
        Path java = Files.createDirectories(home.resolve("runtime/bin")).resolve("java");
        String quoted = "'" + note.toString().replace("'", "'\\''") + "'";
        Files.writeString(java, "#!/bin/sh\necho \"$@\" >> " + quoted + "\nexit " + EXIT + "\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("runtime/release"), "JAVA_VERSION=\"25\"\n");
    }
}
