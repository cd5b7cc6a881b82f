package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every object each overlay renders parses strictly against its API's model or CRD schema. */
class StrictSchemaTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyRenderedObjectParsesStrictly(String overlay) {
        List<JsonNode> objects = Rendered.overlay(overlay);
        assertTrue(objects.size() > 40, "expected the whole stack, got " + objects.size() + " objects");
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            try {
                StrictModels.parse(o);
            } catch (AssertionError e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            fail(overlay + ": " + problems.size() + " object(s) do not parse strictly:\n" + String.join("\n", problems));
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectIsInTheTandemNamespaceAndUnique(String overlay) {
        Set<String> seen = new TreeSet<>();
        for (JsonNode o : Rendered.overlay(overlay)) {
            String kind = o.path("kind").asText();
            if (!kind.equals("Namespace")) {
                assertEquals("tandem", o.path("metadata").path("namespace").asText(), Rendered.id(o));
            }
            assertTrue(seen.add(StrictModels.type(o) + "/" + o.path("metadata").path("name").asText()),
                    "duplicate " + Rendered.id(o));
        }
    }
}
