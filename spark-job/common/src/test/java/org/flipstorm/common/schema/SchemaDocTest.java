package org.flipstorm.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** docs/SCHEMA.md lists every column of the trial schema, in order, with its Parquet type. */
class SchemaDocTest {
    @Test
    void theColumnTableMatchesTrialColumn() throws Exception {
        String doc = Files.readString(Path.of("../../docs/SCHEMA.md"));
        assertTrue(doc.contains("Trial schema **" + TrialColumn.SCHEMA_VERSION + "**"), "the version is stated");
        List<String> documented = new ArrayList<>();
        for (String line : doc.split("\n")) {
            if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                String name = cells[1].strip().replace("`", "");
                documented.add(name);
                TrialColumn c = TrialColumn.valueOf(name.toUpperCase(Locale.ROOT));
                String expected = switch (c.type()) {
                    case STRING -> "BYTE_ARRAY (string)";
                    case LONG -> "INT64";
                    case INT -> "INT32";
                    case FLOAT -> "FLOAT";
                    case DOUBLE -> "DOUBLE";
                    case BOOLEAN -> "BOOLEAN";
                };
                assertEquals(expected, cells[2].strip(), name);
            }
        }
        assertEquals(Arrays.stream(TrialColumn.values()).map(TrialColumn::id).toList(), documented);
    }
}
