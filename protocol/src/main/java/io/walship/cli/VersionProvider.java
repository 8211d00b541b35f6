package io.walship.cli;

import picocli.CommandLine;

/** {@code --version} of every walship command, and the release that start-up log lines name. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** The release the jars were built as, e.g. {@code 1.2.0}. */
    public static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"walship " + (version == null ? "(development build)" : version)};
    }
}
