package io.walship.protocol;

import java.util.Optional;

/**
 * One line of a check, as {@code walship check} prints it: {@code name: OK}, or the status and, in brackets, what
 * was found and what to do. The detail of an OK item says what was seen, or is empty.
 */
public record CheckItem(String name, Status status, String detail) {

    /** Ordered by severity: the worst of several is their maximum. */
    public enum Status {
        OK(0),
        WARNING(1),
        FAILED(2);

        public final int wire;

        Status(int wire) {
            this.wire = wire;
        }

        static Status fromWire(int wire) {
            for (Status status : values()) {
                if (status.wire == wire) {
                    return status;
                }
            }
            throw new ProtocolException("unknown check status " + wire);
        }
    }

    public static CheckItem ok(String name, String seen) {
        return new CheckItem(name, Status.OK, seen);
    }

    public static CheckItem ok(String name) {
        return ok(name, "");
    }

    public static CheckItem warning(String name, String why) {
        return new CheckItem(name, Status.WARNING, why);
    }

    public static CheckItem failed(String name, String why) {
        return new CheckItem(name, Status.FAILED, why);
    }

    public boolean passed() {
        return status == Status.OK;
    }

    /** {@code name: STATUS} and the detail in brackets, if any. */
    public String line() {
        return name + ": " + status + Optional.of(detail).filter(d -> !d.isEmpty()).map(d -> " (" + d + ")")
                .orElse("");
    }
}
