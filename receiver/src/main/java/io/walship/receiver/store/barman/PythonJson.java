package io.walship.receiver.store.barman;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * JSON objects as Barman reads and writes them: Python's {@code json.load}, which refuses what follows the value,
 * and {@code json.dump(..., indent=4)}, four spaces a level, {@code ": "} between a key and its value and non-ASCII
 * escaped. A file Barman wrote reads back and writes out line for line the same; keys keep their order, numbers
 * their digits.
 */
final class PythonJson {

    private static final String INDENT = "    ";
    private static final DefaultIndenter LINES = new DefaultIndenter(INDENT, "\n");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .defaultPrettyPrinter(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
                    .withObjectIndenter(LINES).withArrayIndenter(LINES))
            .build();

    private PythonJson() {
    }

    /** {@code text}, the content of {@code file}, which must hold one JSON object. */
    static ObjectNode readObject(Path file, String text) throws IOException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON (" + e.getOriginalMessage() + "); fix or remove it");
        }
        if (node == null || !node.isObject()) {
            throw new IOException(file + " does not hold a JSON object; fix or remove it");
        }
        return (ObjectNode) node;
    }

    static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /** The text Python's {@code json.dump(object, file, indent=4)} and a newline after it write. */
    static String write(ObjectNode object) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(object) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialise", e);
        }
    }
}
