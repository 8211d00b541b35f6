package io.walship.receiver.store.barman;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * An exclusive BSD flock(2) on a file, the lock Barman takes around every xlog.db access. Java's
 * FileChannel.lock uses fcntl locks, which do not exclude flock holders, hence the FFM calls.
 */
public final class Flock implements AutoCloseable {

    private static final int O_RDWR = 0x2;
    private static final int O_CREAT = 0x40;
    private static final int O_CLOEXEC = 0x80000;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;
    private static final int EINTR = 4;
    private static final int EWOULDBLOCK = 11;
    private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = downcall("flock",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = downcall("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    /** Longer than any of glibc's messages; the read stops at the terminating NUL. */
    private static final long MAX_MESSAGE = 256;

    private final int fd;
    private final Path file;

    private Flock(int fd, Path file) {
        this.fd = fd;
        this.file = file;
    }

    /**
     * Takes the lock, waiting at most {@code timeout}; {@code onWait} runs once if the lock is busy so the
     * caller can say who is waiting for what.
     */
    public static Flock acquire(Path file, Duration timeout, Runnable onWait) throws IOException {
        int fd = open(file);
        boolean locked = false;
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean reported = false;
            while (true) {
                int errno = tryLock(fd);
                if (errno == 0) {
                    locked = true;
                    return new Flock(fd, file);
                }
                if (errno != EWOULDBLOCK && errno != EINTR) {
                    throw new FileSystemException(file.toString(), null, "flock: " + strerror(errno));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new Timeout("timed out after " + timeout.toSeconds() + " s waiting for the lock on "
                            + file + ", held by " + LockHolder.of(file).orElse("another process (a barman "
                            + "command?)"));
                }
                if (!reported) {
                    reported = true;
                    onWait.run();
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            if (!locked) {
                closeFd(fd);
            }
        }
    }

    /** The lock stayed busy for the whole wait. */
    public static final class Timeout extends IOException {
        Timeout(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            int result = (int) FLOCK.invokeExact(arena.allocate(CAPTURE), fd, LOCK_UN);
            if (result != 0) {
                throw new IOException("unlocking " + file + " failed");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("unlocking " + file + " failed: " + t, t);
        } finally {
            closeFd(fd);
        }
    }

    private static int open(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDWR | O_CREAT | O_CLOEXEC,
                    0600);
            if (fd < 0) {
                throw new FileSystemException(file.toString(), null, strerror((int) ERRNO.get(state, 0L)));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot open lock file " + file + ": " + t, t);
        }
    }

    /** Returns 0 when locked, else errno. */
    private static int tryLock(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int result = (int) FLOCK.invokeExact(state, fd, LOCK_EX | LOCK_NB);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IOException("flock failed: " + t, t);
        }
    }

    private static void closeFd(int fd) throws IOException {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IOException("close failed: " + t, t);
        }
    }

    /** The system's words for {@code errno}, as the rest of the receiver's messages give them (WritableDirectories). */
    private static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(MAX_MESSAGE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name + "()"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
