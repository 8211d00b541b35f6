package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expected strings are what CPython 3 prints; Barman writes xlog.db times with "%s" of os.stat()'s
 * st_mtime, which CPython computes as {@code (double) sec + nsec * 1e-9}.
 */
class PythonFloatTest {

    private static final long NANOS = 1_000_000_000L;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // Python's repr of the literal on the left.
            "1700000000.0       | 1700000000.0",
            "1795547924.77016   | 1795547924.77016",
            "0.5                | 0.5",
            "1e15               | 1000000000000000.0",
            "1e15 + 0.5         | 1000000000000000.5",
            "1e15 - 0.125       | 999999999999999.9",
            "9007199254740991.0 | 9007199254740991.0",
            "4503599627370496.5 | 4503599627370496.0",
            "0.1                | 0.1",
            "0.001              | 0.001",
            "12345.678          | 12345.678",
            "123.456            | 123.456",
            "100.0              | 100.0",
            "0.0                | 0.0",
            "-0.5               | -0.5",
    })
    void reprLikePython(String expression, String python) {
        assertEquals(python, PythonFloat.repr(evaluate(expression)));
    }

    @Test
    void reprOfAThird() {
        // Python's repr(1/3)
        assertEquals("0.3333333333333333", PythonFloat.repr(1.0 / 3));
    }

    @Test
    void reprOfValuesBetweenOneTenThousandthAndOneThousandth() {
        // Python's repr(0.0001), repr(0.0002), repr(0.0009) and repr(0.00015); Java's Double.toString gives
        // 1.0E-4 for the first, whose trailing zero must not survive.
        assertEquals("0.0001", PythonFloat.repr(0.0001));
        assertEquals("0.0002", PythonFloat.repr(0.0002));
        assertEquals("0.0009", PythonFloat.repr(0.0009));
        assertEquals("0.00015", PythonFloat.repr(0.00015));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e16, -1e16, 1e20, 0.00009, -0.00009, 5e-324, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY})
    void valuesPythonWouldPrintWithAnExponentAreRefused(double value) {
        assertThrows(IllegalArgumentException.class, () -> PythonFloat.repr(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // seconds | nanoseconds | Python's repr(seconds + nanoseconds*1e-9)
            "1795617864 | 943870313 | 1795617864.9438703",
            "1795547924 | 770160000 | 1795547924.77016",
            "1700000000 | 0         | 1700000000.0",
            "1700000000 | 1         | 1700000000.0",
            "1700000000 | 999999999 | 1700000001.0",
            "1700000000 | 100000000 | 1700000000.1",
            "1700000000 | 500000000 | 1700000000.5",
            "1234567890 | 123456789 | 1234567890.1234567",
            "0          | 1000000   | 0.001",
            "2147483647 | 999999999 | 2147483648.0",
            "4102444800 | 1         | 4102444800.0",
            "3693002013 | 119540831 | 3693002013.1195407",
            "1054105169 | 796233790 | 1054105169.7962338",
            "2127926743 | 262950628 | 2127926743.2629507",
            "1905367646 | 149827706 | 1905367646.1498277",
            "1386898215 | 726600539 | 1386898215.7266006",
            "3289016244 | 93349856  | 3289016244.09335",
            "3482830825 | 453035110 | 3482830825.453035",
            "1083190387 | 31994523  | 1083190387.0319946",
            "1349102810 | 234760738 | 1349102810.2347608",
            "1945955736 | 542621108 | 1945955736.5426211",
            "3532335556 | 28492780  | 3532335556.028493",
            "3357213990 | 213500298 | 3357213990.2135005",
            "4021965617 | 697808098 | 4021965617.6978083",
            "3958852620 | 585126461 | 3958852620.5851264",
            "2748508708 | 236696312 | 2748508708.2366962",
            "2876022954 | 632719211 | 2876022954.632719",
    })
    void fileTimesLikePythonsStMtime(long seconds, long nanos, String python) {
        assertEquals(python, PythonFloat.repr(PythonFloat.epochSeconds(seconds * NANOS + nanos)));
    }

    @Test
    void epochSecondsAddsNanosecondsInDoublePrecision() {
        assertEquals(1795617864.9438703, PythonFloat.epochSeconds(1795617864L * NANOS + 943870313L));
        assertEquals(1700000000.0, PythonFloat.epochSeconds(1700000000L * NANOS));
        assertEquals(0.0, PythonFloat.epochSeconds(0));
    }

    @Test
    void timesBefore1970() {
        // Python: os.stat gives sec = -1, nsec = 500000000 for half a second before the epoch;
        // repr(-1 + 500000000*1e-9) is '-0.5'.
        assertEquals("-0.5", PythonFloat.repr(PythonFloat.epochSeconds(-500_000_000L)));
        assertEquals(-0.5, PythonFloat.epochSeconds(-500_000_000L));
    }

    private static double evaluate(String expression) {
        String[] sum = expression.split(" \\+ ");
        if (sum.length == 2) {
            return Double.parseDouble(sum[0]) + Double.parseDouble(sum[1]);
        }
        String[] difference = expression.split(" - ");
        if (difference.length == 2) {
            return Double.parseDouble(difference[0]) - Double.parseDouble(difference[1]);
        }
        return Double.parseDouble(expression);
    }
}
