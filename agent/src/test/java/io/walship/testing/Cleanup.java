package io.walship.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test started, closed in reverse order; every close runs, the first failure is thrown. */
public final class Cleanup {

    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    public void push(AutoCloseable closeable) {
        stack.push(closeable);
    }

    public void closeAll() throws Exception {
        Exception failure = null;
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
