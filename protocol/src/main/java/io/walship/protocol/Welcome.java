package io.walship.protocol;

/** The receiver's answer to an acceptable {@link Hello}: the version both sides will speak. */
public record Welcome(int version, long capabilities) implements Message {
}
