package io.walship.protocol;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Costly things (a zstd context with its buffers: a few MiB of tables) kept for the next file rather than made and
 * cleared for each; past {@code capacity} idle ones, what comes back is discarded.
 */
public final class ContextPool<T> {

    private final ConcurrentLinkedQueue<T> idle = new ConcurrentLinkedQueue<>();
    private final int capacity;
    private final Consumer<T> discard;

    public ContextPool(int capacity, Consumer<T> discard) {
        this.capacity = capacity;
        this.discard = discard;
    }

    /** An idle one, else a new one. */
    public T take(Supplier<T> make) {
        T taken = idle.poll();
        return taken != null ? taken : make.get();
    }

    /** Back for the next file; null (already given back) is nothing. */
    public void give(T released) {
        if (released == null) {
            return;
        }
        if (idle.size() < capacity) {
            idle.offer(released);
        } else {
            discard.accept(released);
        }
    }
}
