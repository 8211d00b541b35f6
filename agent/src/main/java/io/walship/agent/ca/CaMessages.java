package io.walship.agent.ca;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;

/** The one-line messages of the ca commands; a failure says what went wrong and what to do about it. */
final class CaMessages {

    static final String PREFIX = "walship ca: ";

    private CaMessages() {
    }

    static String failure(Exception failure) {
        String text = switch (failure) {
            case CaException e -> e.getMessage();
            case AccessDeniedException e -> e.getFile() + ": permission denied (run as a user who may access it)";
            case NoSuchFileException e -> e.getFile() + ": no such file or directory (check --dir)";
            case FileSystemException e -> e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "I/O error")
                    + " (check --dir)";
            case GeneralSecurityException e -> "cryptographic operation failed: " + e.getMessage()
                    + " (check that this JDK provides EC P-256 and SHA256withECDSA)";
            default -> failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        };
        // One line, whatever a lower layer put into its message.
        return PREFIX + text.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
