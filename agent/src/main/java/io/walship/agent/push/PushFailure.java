package io.walship.agent.push;

/** Why a push did not archive the file, with the exit code archive_command reports. */
public final class PushFailure extends Exception {

    private final int exitCode;

    public PushFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
