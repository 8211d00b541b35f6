package io.walship.agent.push;

import io.walship.wal.WalFileName;

/** The one-line explanation for a NAME that archive_command should never have been given. */
final class WalFileNameMessage {

    private WalFileNameMessage() {
    }

    static String of(String name) {
        try {
            WalFileName.parse(name);
            return name + " is a valid WAL file name";
        } catch (IllegalArgumentException e) {
            return e.getMessage() + "; archive_command must pass %f as NAME";
        }
    }
}
