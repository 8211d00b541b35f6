package io.walship.receiver.compress;

/** An encoded upload that is not one whole zstd frame of the announced plain size. */
public final class BadEncodingException extends Exception {

    BadEncodingException(String message) {
        super(message);
    }
}
