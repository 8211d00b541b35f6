package io.walship.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signals of walship's long-running processes. The JVM's own handlers end the process at once on SIGHUP, SIGTERM
 * and SIGINT, running shutdown hooks concurrently with java.util.logging's, which drops what they log: a service
 * stopped that way says nothing, and SIGHUP, which asks a daemon to reload, would kill it. (sun.misc.Signal is the
 * JDK's one route to a signal; jdk.unsupported keeps it.)
 */
public final class ServiceSignals {

    private ServiceSignals() {
    }

    /** Runs {@code action} on every SIGHUP, on a thread of its own, instead of exiting. */
    public static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), signal -> action.run());
    }

    /**
     * The first SIGTERM or SIGINT runs {@code stop} with the signal's name ({@code SIGTERM}), which asks the main
     * thread to wind down and log its end; another one ends the process at once, as the JVM would have.
     */
    public static void onStop(Consumer<String> stop) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            new StopHandler(stop, stopping).installFor(new Signal(name));
        }
    }

    private static final class StopHandler implements SignalHandler {

        private final Consumer<String> stop;
        private final AtomicBoolean stopping;
        private SignalHandler jvms;

        StopHandler(Consumer<String> stop, AtomicBoolean stopping) {
            this.stop = stop;
            this.stopping = stopping;
        }

        void installFor(Signal signal) {
            jvms = Signal.handle(signal, this);
        }

        @Override
        public void handle(Signal signal) {
            if (stopping.compareAndSet(false, true)) {
                stop.accept("SIG" + signal.getName());
            } else {
                jvms.handle(signal);
            }
        }
    }
}
