package io.walship.protocol;

/** The outcome of a request, with a message meant for a human (it ends up in PostgreSQL's log). */
public record Reply(ReplyCode code, String message) implements Message {
}
