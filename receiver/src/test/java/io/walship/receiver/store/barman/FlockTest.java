package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Barman takes flock(2) on its xlog.db lock file; these tests hold it from a real second process. */
class FlockTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void stopHolder() throws IOException, InterruptedException {
        if (holder != null && holder.isAlive()) {
            Files.writeString(dir.resolve("release"), "");
            if (!holder.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                holder.descendants().forEach(ProcessHandle::destroyForcibly);
                holder.destroyForcibly();
                fail("the flock(1) holder did not exit after being released");
            }
        }
    }

    /**
     * Starts {@code flock -x FILE} around a shell that marks when it holds the lock and keeps it until the
     * test creates the release file (or 60 s pass, so nothing outlives a broken test for long).
     */
    private void holdFromAnotherProcess(Path lockFile) throws IOException {
        requireOnPath("flock");
        Path marker = dir.resolve("holding");
        Path release = dir.resolve("release");
        String script = "touch '" + marker + "'; i=0; while [ ! -e '" + release + "' ] && [ $i -lt 1200 ]; do "
                + "sleep 0.05; i=$((i+1)); done";
        holder = new ProcessBuilder("flock", "-x", lockFile.toString(), "-c", script)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("holder.log").toFile())
                .start();
        await("the other process holds the lock", () -> Files.exists(marker) || !holder.isAlive());
        assertTrue(holder.isAlive(), "flock(1) exited early: " + Files.readString(dir.resolve("holder.log")));
    }

    private void release() throws IOException {
        Files.writeString(dir.resolve("release"), "");
    }

    /** Polls {@code condition} until it holds, failing after {@link #DEADLINE}. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Exit status of {@code flock -n FILE true}: 0 when the lock is free, 1 when someone holds it. */
    private static int tryLockFromAnotherProcess(Path lockFile) throws IOException, InterruptedException {
        requireOnPath("flock");
        Process process = new ProcessBuilder("flock", "-n", lockFile.toString(), "true")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("flock -n did not finish");
        }
        return process.exitValue();
    }

    private static void requireOnPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return;
            }
        }
        fail(program + " (util-linux) is not installed; .ci/run must install it (apt-get install -y util-linux)");
    }

    @Test
    void waitsForAnotherProcessAndTimesOut() throws IOException {
        Path lockFile = dir.resolve(".pg-xlogdb.lock");
        holdFromAnotherProcess(lockFile);
        AtomicInteger waits = new AtomicInteger();

        long started = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> Flock.acquire(lockFile, Duration.ofSeconds(1), waits::incrementAndGet));
        long waited = System.nanoTime() - started;

        assertTrue(e.getMessage().contains("timed out after 1 s"), e.getMessage());
        assertTrue(e.getMessage().contains(lockFile.toString()), e.getMessage());
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(1000), "gave up after only " + waited + " ns");
        assertEquals(1, waits.get(), "onWait runs once when the lock is busy");
    }

    @Test
    void getsTheLockOnceAnotherProcessReleasesIt() throws Exception {
        Path lockFile = dir.resolve(".pg-xlogdb.lock");
        holdFromAnotherProcess(lockFile);
        AtomicInteger waits = new AtomicInteger();

        CompletableFuture<Flock> acquired = CompletableFuture.supplyAsync(() -> {
            try {
                return Flock.acquire(lockFile, Duration.ofSeconds(10), waits::incrementAndGet);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await("the acquirer reports that it waits", () -> waits.get() > 0 || acquired.isDone());
        assertFalse(acquired.isDone(), "the lock was taken while another process held it");
        release();

        try (Flock lock = acquired.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            assertTrue(holder.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, holder.exitValue());
            assertEquals(1, tryLockFromAnotherProcess(lockFile), "our flock must exclude other processes");
        }
        assertEquals(0, tryLockFromAnotherProcess(lockFile), "close releases the lock");
        assertEquals(1, waits.get());
    }

    @Test
    void aFreeLockIsTakenAtOnceAndTheFileCreated() throws IOException, InterruptedException {
        Path lockFile = dir.resolve(".pg-xlogdb.lock");
        AtomicInteger waits = new AtomicInteger();

        try (Flock lock = Flock.acquire(lockFile, Duration.ofSeconds(1), waits::incrementAndGet)) {
            assertTrue(Files.isRegularFile(lockFile));
            assertEquals(1, tryLockFromAnotherProcess(lockFile), "the lock is a flock other processes see");
        }
        assertEquals(0, waits.get(), "no waiting for a free lock");
        assertTrue(Files.isRegularFile(lockFile), "the lock file stays, as Barman's does");
        assertEquals(0, tryLockFromAnotherProcess(lockFile));
    }

    @Test
    void twoLocksInTheSameProcessExcludeEachOther() throws IOException {
        Path lockFile = dir.resolve(".pg-xlogdb.lock");

        try (Flock first = Flock.acquire(lockFile, Duration.ofSeconds(1), () -> { })) {
            IOException e = assertThrows(IOException.class,
                    () -> Flock.acquire(lockFile, Duration.ofMillis(300), () -> { }));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        }
        try (Flock second = Flock.acquire(lockFile, Duration.ofSeconds(1), () -> { })) {
            assertTrue(Files.exists(lockFile), "taken again once the first is closed");
        }
    }

    @Test
    void aLockFileThatCannotBeOpenedIsAnError() {
        Path lockFile = dir.resolve("missing-directory").resolve(".pg-xlogdb.lock");

        IOException e = assertThrows(IOException.class, () -> Flock.acquire(lockFile, Duration.ofSeconds(1), () -> { }));
        assertTrue(e.getMessage().contains(lockFile.toString()), e.getMessage());
    }
}
