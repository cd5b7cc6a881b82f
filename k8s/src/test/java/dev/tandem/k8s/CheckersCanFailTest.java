package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strict parsing must reject what a cluster (or its operator) would reject or silently ignore: these tests
 * take a real rendered object, break one field, and expect the checker to fail. Without them a checker that
 * accepts everything would look like a passing suite.
 */
class CheckersCanFailTest {

    private static ObjectNode first(String kind) {
        return Rendered.copy(Rendered.ofKind("dev", kind).getFirst());
    }

    private static ObjectNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = p.matches("\\d+") ? n.get(Integer.parseInt(p)) : n.get(p);
        }
        return (ObjectNode) n;
    }

    @Test
    void fabric8ModelRejectsAMisspeltDeploymentField() {
        ObjectNode d = first("Deployment");
        assertDoesNotThrow(() -> StrictModels.parse(d));
        ObjectNode container = at(d, "spec", "template", "spec", "containers", "0");
        container.set("readinesProbe", container.get("readinessProbe"));
        container.remove("readinessProbe");
        AssertionError e = assertThrows(AssertionError.class, () -> StrictModels.parse(d));
        assertTrue(e.getMessage().contains("readinesProbe"), e.getMessage());
    }

    @Test
    void fabric8ModelRejectsAnUnknownFieldInMetadata() {
        ObjectNode s = first("Service");
        at(s, "metadata").put("lables", "x");
        assertThrows(AssertionError.class, () -> StrictModels.parse(s));
    }

    @Test
    void strimziModelRejectsAMisspeltTopicField() {
        ObjectNode t = first("KafkaTopic");
        assertDoesNotThrow(() -> StrictModels.parse(t));
        at(t, "spec").put("partition", 3);
        AssertionError e = assertThrows(AssertionError.class, () -> StrictModels.parse(t));
        assertTrue(e.getMessage().contains("partition"), e.getMessage());
    }

    @Test
    void strimziModelRejectsAnUnknownAclOperation() {
        ObjectNode u = first("KafkaUser");
        ArrayNode ops = (ArrayNode) at(u, "spec", "authorization", "acls", "0").get("operations");
        ops.add("Pulverize");
        assertThrows(AssertionError.class, () -> StrictModels.parse(u));
    }

    @Test
    void cnpgSchemaRejectsAnUnknownFieldAndAWrongType() {
        ObjectNode c = first("Cluster");
        assertDoesNotThrow(() -> StrictModels.parse(c));
        ObjectNode unknown = c.deepCopy();
        at(unknown, "spec").put("instance", 3);
        assertThrows(AssertionError.class, () -> StrictModels.parse(unknown));
        ObjectNode wrongType = c.deepCopy();
        at(wrongType, "spec").put("instances", "three");
        assertThrows(AssertionError.class, () -> StrictModels.parse(wrongType));
        ObjectNode wrongEnum = c.deepCopy();
        at(wrongEnum, "spec").put("primaryUpdateStrategy", "whenever");
        assertThrows(AssertionError.class, () -> StrictModels.parse(wrongEnum));
    }

    @Test
    void keycloakSchemasRejectUnknownFields() {
        ObjectNode k = first("Keycloak");
        assertDoesNotThrow(() -> StrictModels.parse(k));
        at(k, "spec", "hostname").put("backchannel", true);
        assertThrows(AssertionError.class, () -> StrictModels.parse(k));
        ObjectNode r = first("KeycloakRealmImport");
        assertDoesNotThrow(() -> StrictModels.parse(r));
        at(r, "spec", "realm").put("sslRequred", "all");
        assertThrows(AssertionError.class, () -> StrictModels.parse(r));
    }

    @Test
    void anUnknownKindFails() {
        ObjectNode o = first("ConfigMap");
        o.put("kind", "ConfigMapp");
        assertThrows(AssertionError.class, () -> StrictModels.parse(o));
    }

    @Test
    void policiesRejectBrokenDeployments() {
        List<JsonNode> all = Rendered.overlay("dev");
        ObjectNode d = first("Deployment");
        assertTrue(Policies.containerProblems(d).isEmpty(), Policies.containerProblems(d).toString());
        ObjectNode noLiveness = d.deepCopy();
        at(noLiveness, "spec", "template", "spec", "containers", "0").remove("livenessProbe");
        assertTrue(Policies.containerProblems(noLiveness).stream().anyMatch(p -> p.contains("liveness")));
        ObjectNode writable = d.deepCopy();
        at(writable, "spec", "template", "spec", "containers", "0", "securityContext").put("readOnlyRootFilesystem", false);
        assertTrue(Policies.containerProblems(writable).stream().anyMatch(p -> p.contains("readOnlyRootFilesystem")));
        ObjectNode latest = d.deepCopy();
        at(latest, "spec", "template", "spec", "containers", "0").put("image", "tandem/invite-service:latest");
        assertTrue(Policies.containerProblems(latest).stream().anyMatch(p -> p.contains("latest")));
        ObjectNode untagged = d.deepCopy();
        at(untagged, "spec", "template", "spec", "containers", "0").put("image", "registry:5000/tandem/invite-service");
        assertTrue(Policies.containerProblems(untagged).stream().anyMatch(p -> p.contains("tag")));
        ObjectNode noLimits = d.deepCopy();
        at(noLimits, "spec", "template", "spec", "containers", "0", "resources").remove("limits");
        assertTrue(Policies.containerProblems(noLimits).stream().anyMatch(p -> p.contains("limits")));

        ObjectNode relabelled = d.deepCopy();
        at(relabelled, "spec", "template", "metadata", "labels").put("app.kubernetes.io/name", "other");
        List<JsonNode> withRelabelled = new java.util.ArrayList<>(all);
        withRelabelled.add(relabelled);
        assertTrue(Policies.coverageProblems(withRelabelled).size() >= 2, "a Deployment no PDB and no NetworkPolicy select");
    }
}
