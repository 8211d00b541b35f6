package io.walship.receiver.it;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a test class started, closed in reverse order; every close runs, the first failure is thrown. */
final class Cleanup {

    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    void push(AutoCloseable closeable) {
        stack.push(closeable);
    }

    void closeAll() throws Exception {
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
