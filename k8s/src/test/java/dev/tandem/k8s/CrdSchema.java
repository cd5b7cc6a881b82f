package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a custom resource against the structural schema derived from its operator's CRD
 * (src/test/resources/crd-schemas): unknown fields, wrong types, values outside an enum and missing required
 * fields are errors. metadata is checked separately (with the fabric8 ObjectMeta model).
 */
final class CrdSchema {

    private final JsonNode schema;

    private CrdSchema(JsonNode schema) {
        this.schema = schema;
    }

    static CrdSchema load(String resource) {
        try (InputStream in = CrdSchema.class.getResourceAsStream("/crd-schemas/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no derived schema " + resource);
            }
            return new CrdSchema(new ObjectMapper().readTree(in).get("schema"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The errors, one line each with the field's path; empty when the object conforms. */
    List<String> validate(JsonNode object) {
        List<String> errors = new ArrayList<>();
        validate(object, schema, "", errors, true);
        return errors;
    }

    private static void validate(JsonNode value, JsonNode s, String path, List<String> errors, boolean top) {
        if (s == null || s.isMissingNode()) {
            return;
        }
        if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!(value.isIntegralNumber() || value.isTextual())) {
                errors.add(path + ": expected an integer or a string, got " + value.getNodeType());
            }
            return;
        }
        if (s.has("anyOf") && !s.has("type")) {
            return; // int-or-string style unions without the marker: accepted as written
        }
        String type = s.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(path + ": expected an object, got " + value.getNodeType());
                    return;
                }
                JsonNode props = s.get("properties");
                boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
                JsonNode additional = s.get("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String name = field.getKey();
                    String sub = path.isEmpty() ? name : path + "." + name;
                    if (top && (name.equals("metadata") || name.equals("apiVersion") || name.equals("kind"))) {
                        continue; // checked by StrictModels (dispatch on apiVersion/kind, ObjectMeta model)
                    }
                    if (props != null && props.has(name)) {
                        validate(field.getValue(), props.get(name), sub, errors, false);
                    } else if (additional != null && additional.isObject()) {
                        validate(field.getValue(), additional, sub, errors, false);
                    } else if (additional != null && additional.asBoolean(false)) {
                        // any value
                    } else if (props != null && !preserve) {
                        errors.add(sub + ": unknown field");
                    } else if (props == null && !preserve && additional == null && !top) {
                        // an object without declared properties: free-form (e.g. metadata of a template)
                    }
                }
                for (JsonNode required : s.path("required")) {
                    if (!value.has(required.asText())) {
                        errors.add((path.isEmpty() ? "" : path + ".") + required.asText() + ": required");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": expected an array, got " + value.getNodeType());
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    validate(item, s.get("items"), path + "[" + i++ + "]", errors, false);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": expected a string, got " + value.getNodeType());
                    return;
                }
                checkEnum(value, s, path, errors);
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": expected an integer, got " + value.getNodeType());
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(path + ": expected a number, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(path + ": expected a boolean, got " + value.getNodeType());
                }
            }
            default -> {
                // no type: anything
            }
        }
    }

    private static void checkEnum(JsonNode value, JsonNode s, String path, List<String> errors) {
        JsonNode e = s.get("enum");
        if (e == null) {
            return;
        }
        for (JsonNode allowed : e) {
            if (allowed.asText().equals(value.asText())) {
                return;
            }
        }
        errors.add(path + ": '" + value.asText() + "' is not one of " + e);
    }
}
