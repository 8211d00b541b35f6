package io.walship.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * One edit of a byte sequence, as a coverage-blind fuzzer would make it. Position and value are taken modulo
 * what fits, so any generated edit applies to any input and jqwik can shrink edits independently of the input.
 */
public record Mutation(Kind kind, int position, int value) {

    public enum Kind {
        FLIP_BIT, SET_BYTE, INTERESTING_BYTE, INTERESTING_INT, INSERT_TOKEN, DELETE, DUPLICATE, TRUNCATE
    }

    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFF, '\n', '\t', ' ', '/', '#'};
    /** Lengths and fields at the edges of the wire format's limits. */
    private static final int[] INTERESTING_INTS = {0, 1, 2, 4, 5, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
            1 << 20, (1 << 20) + 1, (1 << 20) + 2, Integer.MAX_VALUE, Integer.MIN_VALUE, -1};

    /** Uniform positions: jqwik's default bias to small numbers would edit the first bytes most of the time. */
    public static Arbitrary<Mutation> any() {
        return Combinators.combine(Arbitraries.of(Kind.class), uniform(0), uniform(Integer.MIN_VALUE))
                .as(Mutation::new);
    }

    public static Arbitrary<Integer> uniform(int min) {
        return Arbitraries.integers().between(min, Integer.MAX_VALUE).withDistribution(RandomDistribution.uniform());
    }

    public static Arbitrary<List<Mutation>> lists(int max) {
        return any().list().ofMaxSize(max);
    }

    /** {@code input} with every mutation applied in order; {@code tokens} are what INSERT_TOKEN inserts. */
    public static byte[] applyAll(byte[] input, List<Mutation> mutations, List<byte[]> tokens) {
        byte[] bytes = input;
        for (Mutation mutation : mutations) {
            bytes = mutation.apply(bytes, tokens);
        }
        return bytes;
    }

    public byte[] apply(byte[] input, List<byte[]> tokens) {
        int at = input.length == 0 ? 0 : position % input.length;
        byte[] out = input.clone();
        switch (kind) {
            case FLIP_BIT -> {
                if (out.length > 0) {
                    out[at] ^= (byte) (1 << (value & 7));
                }
            }
            case SET_BYTE -> {
                if (out.length > 0) {
                    out[at] = (byte) value;
                }
            }
            case INTERESTING_BYTE -> {
                if (out.length > 0) {
                    out[at] = (byte) INTERESTING_BYTES[Math.floorMod(value, INTERESTING_BYTES.length)];
                }
            }
            case INTERESTING_INT -> {
                if (out.length >= 4) {
                    int start = Math.min(at, out.length - 4);
                    ByteBuffer.wrap(out).putInt(start, INTERESTING_INTS[Math.floorMod(value, INTERESTING_INTS.length)]);
                }
            }
            case INSERT_TOKEN -> {
                byte[] token = tokens.isEmpty() ? new byte[] {(byte) value}
                        : tokens.get(Math.floorMod(value, tokens.size()));
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                joined.write(input, 0, at);
                joined.writeBytes(token);
                joined.write(input, at, input.length - at);
                return joined.toByteArray();
            }
            case DELETE -> {
                int length = Math.min(input.length - at, Math.floorMod(value, 16) + 1);
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                kept.write(input, 0, at);
                kept.write(input, at + length, input.length - at - length);
                return kept.toByteArray();
            }
            case DUPLICATE -> {
                int length = Math.min(input.length - at, Math.floorMod(value, 64) + 1);
                ByteArrayOutputStream doubled = new ByteArrayOutputStream();
                doubled.write(input, 0, at + length);
                doubled.write(input, at, input.length - at);
                return doubled.toByteArray();
            }
            case TRUNCATE -> {
                return Arrays.copyOf(input, at);
            }
        }
        return out;
    }
}
