package io.walship.cli;

import picocli.CommandLine;

/** {@code --version} of every walship command: the release the jars were built as. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"walship " + (version == null ? "(development build)" : version)};
    }
}
