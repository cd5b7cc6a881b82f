package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.infra.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The operations policy on each overlay's rendered objects. */
class PolicyTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;
    static final List<String> SERVICES = List.of("invite-service", "session-service", "masking-config-service", "relay-gateway");

    private static void none(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            fail(what + ":\n  " + String.join("\n  ", problems));
        }
    }

    private static JsonNode named(String overlay, String kind, String name) {
        return Rendered.ofKind(overlay, kind).stream()
                .filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no " + kind + "/" + name));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceHasItsDeploymentServicePdbAndNetworkPolicy(String overlay) {
        for (String s : SERVICES) {
            named(overlay, "Deployment", s);
            named(overlay, "Service", s);
            named(overlay, "PodDisruptionBudget", s);
            named(overlay, "NetworkPolicy", s);
            named(overlay, "KafkaUser", s);
        }
        named(overlay, "HorizontalPodAutoscaler", "relay-gateway");
        named(overlay, "HorizontalPodAutoscaler", "session-service");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyContainerHasProbesResourcesSecurityContextAndATaggedImage(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode d : Rendered.ofKind(overlay, "Deployment")) {
            problems.addAll(Policies.containerProblems(d));
        }
        none(overlay, problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void noImageAnywhereUsesLatest(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : Rendered.overlay(overlay)) {
            for (JsonNode image : o.findValues("image")) {
                if (image.isTextual()) {
                    problems.addAll(Policies.imageProblems(Rendered.id(o), image.asText()));
                }
            }
        }
        none(overlay, problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyDeploymentIsCoveredByAPdbAndANetworkPolicy(String overlay) {
        none(overlay, Policies.coverageProblems(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void topicsMatchTopicsJava(String overlay) {
        Map<String, JsonNode> rendered = new TreeMap<>();
        for (JsonNode t : Rendered.ofKind(overlay, "KafkaTopic")) {
            rendered.put(t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText()), t);
        }
        Set<String> expectedNames = new TreeSet<>();
        for (Topics.Topic topic : Topics.ALL) {
            expectedNames.add(topic.name());
            JsonNode t = rendered.get(topic.name());
            assertTrue(t != null, overlay + ": no KafkaTopic for " + topic.name());
            assertEquals("tandem-kafka", t.path("metadata").path("labels").path("strimzi.io/cluster").asText(), topic.name());
            assertEquals(topic.partitions(), t.path("spec").path("partitions").asInt(-1), topic.name() + " partitions");
            Map<String, String> config = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = t.path("spec").path("config").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                config.put(e.getKey(), e.getValue().asText());
            }
            assertEquals(topic.configs(), config, topic.name() + " config");
        }
        assertEquals(expectedNames, rendered.keySet(), overlay + ": topics besides those of Topics.ALL");
        assertEquals("compact", rendered.get("tandem.site-config").path("spec").path("config").path("cleanup.policy").asText());
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void kafkaUsersUseScramAndOnlyNameTandemTopicsLiterally(String overlay) {
        Set<String> topics = new TreeSet<>();
        Topics.ALL.forEach(t -> topics.add(t.name()));
        List<String> problems = new ArrayList<>();
        for (JsonNode u : Rendered.ofKind(overlay, "KafkaUser")) {
            String id = Rendered.id(u);
            if (!u.path("spec").path("authentication").path("type").asText().equals("scram-sha-512")) {
                problems.add(id + ": authentication must be scram-sha-512");
            }
            JsonNode acls = u.path("spec").path("authorization").path("acls");
            if (acls.isEmpty()) {
                problems.add(id + ": no ACLs");
            }
            for (JsonNode acl : acls) {
                JsonNode r = acl.path("resource");
                String name = r.path("name").asText();
                switch (r.path("type").asText()) {
                    case "topic" -> {
                        if (!topics.contains(name) || !r.path("patternType").asText("literal").equals("literal")) {
                            problems.add(id + ": topic ACL on " + name + " (only the literal topics of Topics.ALL)");
                        }
                    }
                    case "group" -> {
                        if (!name.startsWith(u.path("metadata").path("name").asText())) {
                            problems.add(id + ": group ACL on " + name + " (only the service's own groups)");
                        }
                    }
                    default -> problems.add(id + ": ACL on " + r.path("type").asText() + " " + name);
                }
                if (name.equals("*") || name.isEmpty()) {
                    problems.add(id + ": wildcard ACL");
                }
                for (JsonNode op : acl.path("operations")) {
                    if (Set.of("All", "Alter", "AlterConfigs", "Delete", "Create", "ClusterAction").contains(op.asText())) {
                        problems.add(id + ": operation " + op.asText() + " on " + name);
                    }
                }
            }
        }
        none(overlay, problems);
        JsonNode kafka = Rendered.ofKind(overlay, "Kafka").getFirst();
        assertEquals("enabled", kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText());
        assertEquals("enabled", kafka.path("metadata").path("annotations").path("strimzi.io/node-pools").asText());
        assertEquals("simple", kafka.path("spec").path("kafka").path("authorization").path("type").asText());
        for (JsonNode l : kafka.path("spec").path("kafka").path("listeners")) {
            assertTrue(l.path("tls").asBoolean(false), "listener " + l.path("name").asText() + " without TLS");
            assertFalse(l.path("authentication").isMissingNode(), "listener " + l.path("name").asText() + " without authentication");
        }
        assertFalse(Rendered.ofKind(overlay, "KafkaNodePool").isEmpty(), "no KafkaNodePool");
    }

    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|JAAS|PRIVATE_KEY|CREDENTIAL|_USER$).*");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void secretsComeFromSecretsNeverFromTheRepository(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : Rendered.overlay(overlay)) {
            String kind = o.path("kind").asText();
            if (kind.equals("Secret")) {
                problems.add(Rendered.id(o) + ": a Secret in the repository");
            }
            if (kind.equals("ConfigMap")) {
                o.path("data").fieldNames().forEachRemaining(k -> {
                    if (SECRET_NAME.matcher(k).matches()) {
                        problems.add(Rendered.id(o) + ": " + k + " belongs in a Secret");
                    }
                });
            }
            if (kind.equals("Deployment")) {
                for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
                    for (JsonNode e : c.path("env")) {
                        String n = e.path("name").asText();
                        if (SECRET_NAME.matcher(n).matches() && e.path("valueFrom").path("secretKeyRef").isMissingNode()) {
                            problems.add(Rendered.id(o) + ": " + n + " must come from a secretKeyRef");
                        }
                    }
                }
            }
        }
        String realm = Rendered.ofKind(overlay, "KeycloakRealmImport").getFirst().path("spec").path("realm").toString();
        if (Pattern.compile("\"(secret|value)\":\"(?!\\$\\{)[^\"]+\"").matcher(realm).find()) {
            problems.add("KeycloakRealmImport: a secret or credential value inline (use a ${PLACEHOLDER})");
        }
        none(overlay, problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everySecretKeyTheDeploymentsReadIsDocumented(String overlay) throws IOException {
        String readme = Files.readString(Rendered.k8sDir().resolve("README.md"));
        List<String> problems = new ArrayList<>();
        for (JsonNode d : Rendered.ofKind(overlay, "Deployment")) {
            for (JsonNode ref : d.findValues("secretKeyRef")) {
                String pair = "`" + ref.path("name").asText() + "`";
                String key = "`" + ref.path("key").asText() + "`";
                if (!readme.contains(pair) || !readme.contains(key)) {
                    problems.add(Rendered.id(d) + ": secret " + pair + " key " + key + " is not in k8s/README.md");
                }
            }
        }
        none(overlay, problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void encryptionInTransit(String overlay) {
        List<String> problems = new ArrayList<>();
        for (JsonNode i : Rendered.ofKind(overlay, "Ingress")) {
            if (i.path("spec").path("tls").isEmpty()) {
                problems.add(Rendered.id(i) + ": no TLS");
            }
        }
        for (JsonNode cm : Rendered.ofKind(overlay, "ConfigMap")) {
            JsonNode data = cm.path("data");
            data.fieldNames().forEachRemaining(k -> {
                String v = data.path(k).asText();
                if (k.contains("DB") && k.endsWith("URL") && !v.contains("sslmode=verify-full")) {
                    problems.add(Rendered.id(cm) + ": " + k + " without sslmode=verify-full");
                }
                if (k.equals("KAFKA_BOOTSTRAP_SERVERS") && !data.path("KAFKA_SECURITY_PROTOCOL").asText().equals("SASL_SSL")) {
                    problems.add(Rendered.id(cm) + ": Kafka without SASL_SSL");
                }
                if ((k.endsWith("OIDC_URL") || k.endsWith("AUTH_SERVER_URL")) && !v.startsWith("https://")) {
                    problems.add(Rendered.id(cm) + ": " + k + " is not https");
                }
            });
        }
        for (JsonNode c : Rendered.ofKind(overlay, "Cluster")) {
            if (!c.path("spec").path("postgresql").path("pg_hba").toString().contains("hostnossl all all all reject")) {
                problems.add(Rendered.id(c) + ": accepts connections without TLS");
            }
        }
        none(overlay, problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theGatewayHasTimeToCloseItsSockets(String overlay) {
        JsonNode pod = named(overlay, "Deployment", "relay-gateway").path("spec").path("template").path("spec");
        int grace = pod.path("terminationGracePeriodSeconds").asInt(30);
        JsonNode c = pod.path("containers").get(0);
        int preStop = c.path("lifecycle").path("preStop").path("sleep").path("seconds").asInt(0);
        assertTrue(preStop >= 5, "the gateway needs a preStop sleep so that the ingress stops sending it new sockets");
        JsonNode cm = Rendered.ofKind(overlay, "ConfigMap").stream()
                .filter(m -> m.path("metadata").path("name").asText().startsWith("relay-gateway-config")).findFirst().orElseThrow();
        String shutdown = cm.path("data").path("QUARKUS_SHUTDOWN_TIMEOUT").asText("");
        assertTrue(shutdown.matches("\\d+S"), "QUARKUS_SHUTDOWN_TIMEOUT as seconds, e.g. 30S: " + shutdown);
        int quarkus = Integer.parseInt(shutdown.substring(0, shutdown.length() - 1));
        assertTrue(preStop + quarkus < grace, "preStop " + preStop + " s + shutdown " + quarkus + " s must fit in the grace period " + grace + " s");
        assertTrue(grace >= 40, "grace period " + grace + " s");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theGatewaysIngressKeepsSocketsOpenAndSessionsTogether(String overlay) {
        // which path goes where: IngressRoutesTest
        JsonNode ws = named(overlay, "Ingress", "tandem-gateway").path("metadata").path("annotations");
        assertTrue(ws.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt(0) >= 600, "WebSocket read timeout");
        assertTrue(ws.path("nginx.ingress.kubernetes.io/proxy-send-timeout").asInt(0) >= 600, "WebSocket send timeout");
        assertFalse(ws.path("nginx.ingress.kubernetes.io/upstream-hash-by").asText("").isBlank(), "no consistent hash for /ws");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void replicasFitTheOverlay(String overlay) {
        for (JsonNode d : Rendered.ofKind(overlay, "Deployment")) {
            int replicas = d.path("spec").path("replicas").asInt(1);
            String name = d.path("metadata").path("name").asText();
            if (overlay.equals("dev")) {
                assertEquals(1, replicas, name);
            } else if (name.equals("relay-gateway") || name.equals("session-service")) {
                assertTrue(replicas >= 3, name + " replicas " + replicas);
            } else {
                assertTrue(replicas >= 2, name + " replicas " + replicas);
            }
        }
        for (JsonNode h : Rendered.ofKind(overlay, "HorizontalPodAutoscaler")) {
            String target = h.path("spec").path("scaleTargetRef").path("name").asText();
            int replicas = named(overlay, "Deployment", target).path("spec").path("replicas").asInt(1);
            assertEquals(replicas, h.path("spec").path("minReplicas").asInt(1), "HPA " + target + " minimum = Deployment replicas");
            assertTrue(h.path("spec").path("maxReplicas").asInt() > replicas, "HPA " + target + " can scale");
        }
    }
}
