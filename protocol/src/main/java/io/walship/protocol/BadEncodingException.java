package io.walship.protocol;

/** A file sent encoded that is not one whole zstd frame of the announced plain size. */
public final class BadEncodingException extends Exception {

    BadEncodingException(String message) {
        super(message);
    }
}
