package dev.tandem.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;

import java.util.List;
import java.util.Map;

/**
 * Parses rendered objects strictly: Kubernetes kinds with the fabric8 model, Strimzi kinds with the Strimzi API
 * model, cert-manager with fabric8's cert-manager model, CloudNativePG and Keycloak against schemas derived from
 * their CRDs. An unknown apiVersion/kind, an unknown or misspelt field, or a value of the wrong shape fails.
 */
final class StrictModels {

    /** apiVersion + "/" + kind → the model class. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("cert-manager.io/v1/Certificate", Certificate.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class));

    /** apiVersion + "/" + kind → the derived CRD schema. */
    static final Map<String, String> SCHEMAS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io_Cluster_v1.json",
            "k8s.keycloak.org/v2alpha1/Keycloak", "k8s.keycloak.org_Keycloak_v2alpha1.json",
            "k8s.keycloak.org/v2alpha1/KeycloakRealmImport", "k8s.keycloak.org_KeycloakRealmImport_v2alpha1.json");

    /**
     * fabric8 and Strimzi models keep unknown fields in an "additionalProperties" map (@JsonAnySetter), which would
     * make FAIL_ON_UNKNOWN_PROPERTIES useless. This introspector hides every any-setter, so an unknown field
     * reaches Jackson's unknown-property handling and fails.
     */
    private static final class NoAnySetter extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(Annotated a) {
            return Boolean.FALSE;
        }
    }

    static final ObjectMapper STRICT = JsonMapper.builder()
            .annotationIntrospector(new NoAnySetter())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private StrictModels() {
    }

    /**
     * What the input has and the model, written back, does not: a value the model dropped or changed (e.g. an
     * enum constant a lenient creator turned into null). Empty objects and lists in the input count as absent.
     */
    static void lostInRoundTrip(JsonNode in, JsonNode out, String path, List<String> lost) {
        if (in.isObject()) {
            in.fields().forEachRemaining(e -> {
                JsonNode o = out == null ? null : out.get(e.getKey());
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (o == null || o.isNull()) {
                    JsonNode v = e.getValue();
                    boolean empty = v.isNull() || (v.isContainerNode() && v.isEmpty());
                    boolean defaultFalse = v.isBoolean() && !v.booleanValue(); // Strimzi omits false defaults
                    if (!empty && !defaultFalse) {
                        lost.add(p);
                    }
                } else {
                    lostInRoundTrip(e.getValue(), o, p, lost);
                }
            });
        } else if (in.isArray()) {
            if (out == null || !out.isArray() || out.size() != in.size()) {
                lost.add(path + " (list of " + in.size() + ")");
                return;
            }
            for (int i = 0; i < in.size(); i++) {
                lostInRoundTrip(in.get(i), out.get(i), path + "[" + i + "]", lost);
            }
        } else if (out == null || out.isContainerNode() || !in.asText().equals(out.asText())) {
            lost.add(path + ": " + in + " became " + out);
        }
    }

    static String type(JsonNode o) {
        return o.path("apiVersion").asText() + "/" + o.path("kind").asText();
    }

    /** Parses the object strictly; throws AssertionError naming the object and the field on any problem. */
    static Object parse(JsonNode o) {
        String type = type(o);
        Class<?> model = MODELS.get(type);
        try {
            if (model != null) {
                Object parsed = STRICT.treeToValue(o, model);
                List<String> lost = new java.util.ArrayList<>();
                ObjectNode written = STRICT.valueToTree(parsed);
                written.set("apiVersion", o.get("apiVersion")); // the model writes its default version; MODELS checked it
                lostInRoundTrip(o, written, "", lost);
                if (!lost.isEmpty()) {
                    throw new AssertionError(Rendered.id(o) + " (" + type + "): values the model does not keep (an"
                            + " unknown enum value, a misplaced field):\n  " + String.join("\n  ", lost));
                }
                return parsed;
            }
            String schema = SCHEMAS.get(type);
            if (schema == null) {
                throw new AssertionError(Rendered.id(o) + ": no strict model or schema for " + type
                        + " (add one to StrictModels before adding such an object)");
            }
            STRICT.treeToValue(o.path("metadata"), ObjectMeta.class);
            List<String> errors = CrdSchema.load(schema).validate(o);
            if (!errors.isEmpty()) {
                throw new AssertionError(Rendered.id(o) + " does not match the " + type + " CRD schema:\n  "
                        + String.join("\n  ", errors));
            }
            return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new AssertionError(Rendered.id(o) + " (" + type + ") does not parse strictly: "
                    + e.getMessage(), e);
        }
    }
}
