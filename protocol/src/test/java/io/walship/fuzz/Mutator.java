package io.walship.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Edits byte sequences the way a coverage-blind fuzzer does: bit flips, bytes overwritten, inserted and deleted,
 * dictionary tokens inserted, chunks duplicated, splices with another seed, truncation, and interesting integers
 * written over length fields. Every edit applies to any input, the empty one included, and draws only from the
 * random numbers it is given, so a try's inputs follow from its seed.
 */
public final class Mutator {

    /** A big-endian integer of {@code width} bytes (2 or 4) at {@code offset}. */
    public record Field(int offset, int width) {
    }

    private enum Edit {
        FLIP_BIT, SET_BYTE, INTERESTING_BYTE, INSERT_BYTES, INSERT_TOKEN, DELETE, DUPLICATE, SPLICE, TRUNCATE,
        INTERESTING_INT
    }

    private static final Edit[] EDITS = Edit.values();
    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFF, '\n', '\r', '\t', ' ', '/', '#'};
    /** Edges of signed and unsigned 8, 16 and 32-bit values. */
    private static final List<Integer> INTERESTING_INTS = List.of(0, 1, 2, 4, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF,
            0x8000, 0xFFFF, 0x10000, Integer.MAX_VALUE, Integer.MIN_VALUE, -1);

    private final List<byte[]> seeds;
    private final List<byte[]> tokens;
    private final Function<byte[], List<Field>> lengthFields;
    private final List<Integer> interestingInts;

    /** Splices take their second half from {@code seeds}; {@code tokens} is the dictionary inserts draw from. */
    public Mutator(List<byte[]> seeds, List<byte[]> tokens) {
        this(seeds, tokens, input -> List.of(), INTERESTING_INTS);
    }

    private Mutator(List<byte[]> seeds, List<byte[]> tokens, Function<byte[], List<Field>> lengthFields,
            List<Integer> interestingInts) {
        if (seeds.isEmpty() || tokens.isEmpty()) {
            throw new IllegalArgumentException("a mutator needs seeds and tokens");
        }
        this.seeds = List.copyOf(seeds);
        this.tokens = List.copyOf(tokens);
        this.lengthFields = lengthFields;
        this.interestingInts = interestingInts;
    }

    /**
     * This mutator, writing interesting integers (and {@code limits} and their neighbours) mostly into the length
     * fields {@code fields} finds in an input rather than anywhere.
     */
    public Mutator withLengthFields(Function<byte[], List<Field>> fields, int... limits) {
        List<Integer> ints = new ArrayList<>(INTERESTING_INTS);
        for (int limit : limits) {
            ints.addAll(List.of(limit - 1, limit, limit + 1));
        }
        return new Mutator(seeds, tokens, fields, List.copyOf(ints));
    }

    /**
     * {@code input} after between 1 and {@code maxEdits} edits, one after the other; fewer edits are likelier,
     * so that many inputs get past the first check they meet.
     */
    public byte[] mutate(RandomGenerator random, byte[] input, int maxEdits) {
        byte[] bytes = input;
        for (int edits = 1 + random.nextInt(1 + random.nextInt(maxEdits)); edits > 0; edits--) {
            bytes = edit(random, bytes);
        }
        return bytes;
    }

    /** Up to {@code maxLength} uniformly random bytes. */
    public static byte[] randomBytes(RandomGenerator random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] edit(RandomGenerator random, byte[] input) {
        int length = input.length;
        Edit edit = EDITS[random.nextInt(EDITS.length)];
        if (length == 0 && edit != Edit.INSERT_BYTES && edit != Edit.INSERT_TOKEN && edit != Edit.SPLICE) {
            edit = Edit.INSERT_TOKEN;
        }
        byte[] out = input.clone();
        switch (edit) {
            case FLIP_BIT -> out[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
            case SET_BYTE -> out[random.nextInt(length)] = (byte) random.nextInt(256);
            case INTERESTING_BYTE -> out[random.nextInt(length)] =
                    (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
            case INSERT_BYTES -> {
                byte[] piece = new byte[1 + random.nextInt(8)];
                random.nextBytes(piece);
                return insert(input, random.nextInt(length + 1), piece);
            }
            case INSERT_TOKEN -> {
                return insert(input, random.nextInt(length + 1), tokens.get(random.nextInt(tokens.size())));
            }
            case DELETE -> {
                int at = random.nextInt(length);
                int end = Math.min(length, at + 1 + random.nextInt(16));
                return concat(Arrays.copyOfRange(input, 0, at), Arrays.copyOfRange(input, end, length));
            }
            case DUPLICATE -> {
                int at = random.nextInt(length);
                int end = Math.min(length, at + 1 + random.nextInt(64));
                return insert(input, end, Arrays.copyOfRange(input, at, end));
            }
            case SPLICE -> {
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                return concat(Arrays.copyOf(input, random.nextInt(length + 1)),
                        Arrays.copyOfRange(other, random.nextInt(other.length + 1), other.length));
            }
            case TRUNCATE -> {
                return Arrays.copyOf(input, random.nextInt(length));
            }
            case INTERESTING_INT -> writeInterestingInt(random, out);
        }
        return out;
    }

    private void writeInterestingInt(RandomGenerator random, byte[] out) {
        int value = interestingInts.get(random.nextInt(interestingInts.size()));
        List<Field> fields = lengthFields.apply(out);
        // Now and then anywhere, for the fixed-size fields no length field list names.
        Field field = fields.isEmpty() || random.nextInt(4) == 0
                ? new Field(random.nextInt(out.length), 2 << random.nextInt(2))
                : fields.get(random.nextInt(fields.size()));
        ByteBuffer buffer = ByteBuffer.wrap(out);
        int at = Math.max(0, Math.min(field.offset(), out.length - field.width()));
        if (field.width() == 4 && out.length >= 4) {
            buffer.putInt(at, value);
        } else if (out.length >= 2) {
            buffer.putShort(at, (short) value);
        } else {
            out[0] = (byte) value;
        }
    }

    private static byte[] insert(byte[] input, int at, byte[] piece) {
        return concat(Arrays.copyOf(input, at), piece, Arrays.copyOfRange(input, at, input.length));
    }

    private static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }
}
