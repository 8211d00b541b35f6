package io.walship.receiver.net;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/** A warning that a flood would repeat thousands of times a second, logged at most once per interval. */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(System.nanoTime());

    RateLimitedLog(Class<?> source, Duration interval) {
        this.log = Logger.getLogger(source.getName());
        this.intervalNanos = interval.toNanos();
    }

    void warn(Supplier<String> message) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + intervalNanos)) {
            log.warning(message.get());
        }
    }
}
