package io.walship.fuzz;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Runs a fuzz target as part of an ordinary JUnit test: a fixed number of tries, each drawing its input from
 * random numbers fixed by the target's seed and the try's number. Hand-written rather than a property-testing
 * library, so that runs are reproducible from two numbers inside the JUnit engine the build already has, with
 * no second test engine. A failing try is reported with the seed, its number and every input it drew, bytes in
 * hex; {@code -Dwalship.fuzz.try=N} reruns try N alone and {@code -Dwalship.fuzz.tries=N} raises the number of
 * tries for a long local run, whose first tries are still the ones CI runs.
 */
public final class Fuzz {

    public static final String TRIES = "walship.fuzz.tries";
    public static final String ONLY_TRY = "walship.fuzz.try";

    private Fuzz() {
    }

    /** Runs {@code target} once per try; whatever it throws fails the run with the try's inputs. */
    public static void run(long seed, int tries, Consumer<Try> target) {
        Integer only = property(ONLY_TRY, 0);
        int first = only != null ? only : 0;
        int end = only != null ? only + 1 : Objects.requireNonNullElse(property(TRIES, 1), tries);
        for (int number = first; number < end; number++) {
            Try attempt = new Try(seed, number);
            try {
                target.accept(attempt);
            } catch (Throwable failure) {
                // Anything, a StackOverflowError from a pathological input included, is a finding to reproduce.
                throw new AssertionError(attempt.report(failure), failure);
            }
        }
    }

    private static Integer property(String key, int min) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        int number = Integer.parseInt(value.strip());
        if (number < min) {
            throw new IllegalArgumentException("-D" + key + " must be at least " + min + ", not " + number);
        }
        return number;
    }

    /** One try: its random numbers and what it drew from them, for the report of a failure. */
    public static final class Try {

        private final long seed;
        private final int number;
        private final RandomGenerator random;
        private final Map<String, String> inputs = new LinkedHashMap<>();

        Try(long seed, int number) {
            this.seed = seed;
            this.number = number;
            // Mixed, so that neighbouring tries draw unrelated numbers and any try can run without the ones before.
            this.random = new SplittableRandom(mix(mix(seed) + number));
        }

        public RandomGenerator random() {
            return random;
        }

        public <T> T pick(List<T> choices) {
            return choices.get(random.nextInt(choices.size()));
        }

        /** Notes {@code value} as one of the try's inputs, shown if it fails; returns it. */
        public <T> T input(String label, T value) {
            inputs.put(label, switch (value) {
                case byte[] bytes -> bytes.length + " bytes: " + HexFormat.of().formatHex(bytes);
                case int[] ints -> Arrays.toString(ints);
                case null, default -> String.valueOf(value);
            });
            return value;
        }

        String report(Throwable failure) {
            StringBuilder report = new StringBuilder("try ").append(number).append(" with seed ").append(seed)
                    .append(" failed: ").append(failure);
            inputs.forEach((label, value) -> report.append("\n  ").append(label).append(" = ").append(value));
            return report.append("\nrerun it alone with -D").append(ONLY_TRY).append('=').append(number).toString();
        }

        /** The finaliser of SplitMix64. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
