package io.walship.receiver.store.barman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** identity.json as Barman writes and reads it, and walship's fields in it. */
class IdentityTest {

    private static final Path FILE = Path.of("pg", "identity.json");
    /** What Barman 3.4's write_identity_file writes: json.dump(..., indent=4, sort_keys=True) and a newline. */
    private static final String BARMANS = """
            {
                "systemid": "7301234567890123456",
                "version": "15"
            }
            """;
    private static final Identity PINNED = new Identity("7301234567890123456", "15", OptionalLong.of(16L << 20),
            OptionalInt.of(0xD110));
    private static final String WALSHIPS = """
            {
                "systemid": "7301234567890123456",
                "version": "15",
                "walship_wal_segment_size": 16777216,
                "walship_xlog_page_magic": 53520
            }
            """;

    @Test
    void barmansFileReadsAsTheSystemAlone() throws IOException {
        Identity identity = Identity.parse(FILE, BARMANS);

        assertEquals(new Identity("7301234567890123456", "15", OptionalLong.empty(), OptionalInt.empty()), identity);
        assertFalse(identity.isComplete());
    }

    @Test
    void walshipsFileReadsBackWhole() throws IOException {
        assertEquals(WALSHIPS, PINNED.toJson());
        assertEquals(PINNED, Identity.parse(FILE, PINNED.toJson()));
        assertTrue(PINNED.isComplete());
    }

    @Test
    void barmansFileGetsWalshipsFieldsAfterItsOwn() throws IOException {
        assertEquals(WALSHIPS, PINNED.completing(FILE, BARMANS));
    }

    @Test
    void whateverElseTheFileHoldsStaysInItsOrder() throws IOException {
        String barmans = """
                {"version": "15", "systemid": "7301234567890123456", "note": "caf\\u00e9 \\u2192",
                 "nested": {"b": [1, 2.50, 1e3], "a": []}, "walship_xlog_page_magic": 53520}""";

        assertEquals("""
                {
                    "version": "15",
                    "systemid": "7301234567890123456",
                    "note": "caf\\u00e9 \\u2192",
                    "nested": {
                        "b": [
                            1,
                            2.50,
                            1E+3
                        ],
                        "a": []
                    },
                    "walship_xlog_page_magic": 53520,
                    "walship_wal_segment_size": 16777216
                }
                """, PINNED.completing(FILE, barmans));
    }

    @Test
    void aSystemIdentifierWrittenAsANumberIsRead() throws IOException {
        assertEquals("7301234567890123456", Identity.parse(FILE, "{\"systemid\": 7301234567890123456}").systemId());
    }

    @Test
    void aFileWithoutTheSystemIsRefusedNamingIt() {
        IOException e = assertThrows(IOException.class, () -> Identity.parse(FILE, "{\"version\": \"15\"}"));

        assertEquals(FILE + " has no \"systemid\" of digits; fix or remove it", e.getMessage());
        assertThrows(IOException.class, () -> Identity.parse(FILE, "{\"systemid\": \"73x\"}"));
    }

    @Test
    void aFileThatIsNoJsonObjectIsRefusedNamingIt() {
        for (String text : new String[] {"", "[1]", "{\"systemid\": \"1\"", "{\"systemid\": \"1\"} {}", "systemid"}) {
            IOException e = assertThrows(IOException.class, () -> Identity.parse(FILE, text), text);
            assertTrue(e.getMessage().startsWith(FILE + " "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; fix or remove it"), e.getMessage());
        }
    }
}
