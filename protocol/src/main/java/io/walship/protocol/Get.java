package io.walship.protocol;

/** Asks the receiver for a stored file of a server. */
public record Get(String server, String name) implements Message {
}
