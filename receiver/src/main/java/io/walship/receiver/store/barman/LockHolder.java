package io.walship.receiver.store.barman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Who holds a flock(2), read from Linux's {@code /proc/locks}, so that a wait that timed out can say which
 * process to look at (typically a barman command). Only a description: a lock can change hands at any time.
 */
final class LockHolder {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private LockHolder() {
    }

    /** "pid 123 (barman delete main)", "this receiver" or empty when the holder cannot be told. */
    static Optional<String> of(Path lockFile) {
        try {
            long inode = ((Number) Files.getAttribute(lockFile, "unix:ino")).longValue();
            long device = ((Number) Files.getAttribute(lockFile, "unix:dev")).longValue();
            return holderPid(Files.readAllLines(PROC_LOCKS, StandardCharsets.US_ASCII), device, inode)
                    .map(LockHolder::describe);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The pid on the line of an exclusive FLOCK on that file, as {@code /proc/locks} prints them:
     * {@code 1: FLOCK  ADVISORY  WRITE 22734 fe:00:2146755 0 EOF} (major and minor in hex); lines with
     * {@code ->} are processes waiting for it.
     */
    static Optional<Long> holderPid(List<String> procLocks, long device, long inode) {
        String file = String.format("%02x:%02x:%d", major(device), minor(device), inode);
        for (String line : procLocks) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 6 && fields[1].equals("FLOCK") && fields[5].equals(file)) {
                try {
                    return Optional.of(Long.parseLong(fields[4]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** glibc's gnu_dev_major and gnu_dev_minor. */
    static long major(long device) {
        return ((device >>> 8) & 0xfff) | ((device >>> 32) & ~0xfffL);
    }

    static long minor(long device) {
        return (device & 0xff) | ((device >>> 12) & ~0xffL);
    }

    private static String describe(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return "this receiver";
        }
        String command = ProcessHandle.of(pid).flatMap(p -> commandLine(pid)).orElse("");
        return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
    }

    /** The holder's command line, which names the barman command; capped, since a line of the log carries it. */
    private static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String text = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip()
                    .replaceAll("\\p{Cntrl}", "?");
            return Optional.of(text.length() > 120 ? text.substring(0, 120) + "…" : text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
