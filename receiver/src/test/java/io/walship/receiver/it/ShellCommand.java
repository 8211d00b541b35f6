package io.walship.receiver.it;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The commands PostgreSQL runs through sh (archive_command, restore_command), every path quoted. */
final class ShellCommand {

    /** A word sh takes as it is. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellCommand() {
    }

    static String quote(Path path) {
        return quote(path.toString());
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** {@code command} as one would type it into sh: each word quoted only where it needs to be. */
    static String line(List<String> command) {
        return String.join(" ", command.stream().map(w -> PLAIN.matcher(w).matches() ? w : quote(w)).toList());
    }

    /** archive_command's {@code walship push}: PostgreSQL substitutes the file's path for %p and its name for %f. */
    static String push(Path launcher, Path config) {
        return quote(launcher) + " push --config " + quote(config) + " %p %f";
    }

    /** restore_command's {@code walship fetch}: the name PostgreSQL asks for (%f) into the path it gives (%p). */
    static String fetch(Path launcher, Path config) {
        return quote(launcher) + " fetch --config " + quote(config) + " %f %p";
    }

    /** A copy of the archived file, with its mtime, in {@code dir}: what a test compares the store with. */
    static String keepCopyIn(Path dir) {
        return "cp -p %p " + quote(dir) + "/%f";
    }

    /** Each command runs only if the one before succeeded; the first failure fails the whole line. */
    static String allOf(String... commands) {
        return String.join(" && ", commands);
    }
}
