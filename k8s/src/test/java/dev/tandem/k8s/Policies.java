package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The operations policy, as functions from rendered objects to a list of problems (empty = compliant). */
final class Policies {

    private Policies() {
    }

    /** Probes, resources, security context, /tmp and image tag of every container of a Deployment. */
    static List<String> containerProblems(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        String id = Rendered.id(deployment);
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode podSc = pod.path("securityContext");
        List<JsonNode> containers = new ArrayList<>();
        pod.path("initContainers").forEach(containers::add);
        pod.path("containers").forEach(containers::add);
        if (containers.isEmpty()) {
            problems.add(id + ": no containers");
        }
        for (JsonNode c : containers) {
            String cid = id + "/" + c.path("name").asText();
            probe(c, "startupProbe", "/q/health/started", cid, problems);
            probe(c, "readinessProbe", "/q/health/ready", cid, problems);
            probe(c, "livenessProbe", "/q/health/live", cid, problems);
            for (String kind : List.of("requests", "limits")) {
                JsonNode r = c.path("resources").path(kind);
                if (!r.has("cpu") || !r.has("memory")) {
                    problems.add(cid + ": resources." + kind + " must set cpu and memory");
                }
            }
            JsonNode sc = c.path("securityContext");
            if (!(sc.path("runAsNonRoot").asBoolean(false) || podSc.path("runAsNonRoot").asBoolean(false))) {
                problems.add(cid + ": runAsNonRoot must be true");
            }
            if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                problems.add(cid + ": readOnlyRootFilesystem must be true");
            }
            if (!sc.has("allowPrivilegeEscalation") || sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                problems.add(cid + ": allowPrivilegeEscalation must be false");
            }
            if (sc.path("privileged").asBoolean(false)) {
                problems.add(cid + ": privileged");
            }
            boolean dropsAll = false;
            for (JsonNode d : sc.path("capabilities").path("drop")) {
                dropsAll |= d.asText().equals("ALL");
            }
            if (!dropsAll) {
                problems.add(cid + ": capabilities.drop must contain ALL");
            }
            if (!sc.path("capabilities").path("add").isEmpty()) {
                problems.add(cid + ": capabilities.add must be empty");
            }
            String seccomp = sc.path("seccompProfile").path("type").asText(podSc.path("seccompProfile").path("type").asText());
            if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
                problems.add(cid + ": seccompProfile must be RuntimeDefault");
            }
            boolean tmp = false;
            for (JsonNode m : c.path("volumeMounts")) {
                if (m.path("mountPath").asText().equals("/tmp")) {
                    String vol = m.path("name").asText();
                    for (JsonNode v : pod.path("volumes")) {
                        tmp |= v.path("name").asText().equals(vol) && v.has("emptyDir");
                    }
                }
            }
            if (!tmp) {
                problems.add(cid + ": /tmp must be an emptyDir (the root filesystem is read-only)");
            }
            problems.addAll(imageProblems(cid, c.path("image").asText()));
        }
        return problems;
    }

    static List<String> imageProblems(String cid, String image) {
        List<String> problems = new ArrayList<>();
        if (image.contains("@sha256:")) {
            return problems;
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        if (colon < 0) {
            problems.add(cid + ": image " + image + " has no tag (set it in the kustomization's images)");
        } else if (last.substring(colon + 1).equalsIgnoreCase("latest")) {
            problems.add(cid + ": image " + image + " uses the latest tag");
        }
        return problems;
    }

    private static void probe(JsonNode c, String name, String path, String cid, List<String> problems) {
        JsonNode p = c.path(name);
        if (p.isMissingNode()) {
            problems.add(cid + ": no " + name.replace("Probe", "") + " probe (" + name + ")");
        } else if (!p.path("httpGet").path("path").asText().equals(path)) {
            problems.add(cid + ": " + name + " must GET " + path);
        }
    }

    /** Every Deployment's pods are selected by a PodDisruptionBudget and by a NetworkPolicy for both directions. */
    static List<String> coverageProblems(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode d : objects) {
            if (!d.path("kind").asText().equals("Deployment")) {
                continue;
            }
            JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
            boolean pdb = false;
            boolean ingress = false;
            boolean egress = false;
            for (JsonNode o : objects) {
                switch (o.path("kind").asText()) {
                    case "PodDisruptionBudget" -> pdb |= selects(o.path("spec").path("selector"), labels);
                    case "NetworkPolicy" -> {
                        if (selects(o.path("spec").path("podSelector"), labels)) {
                            for (JsonNode t : o.path("spec").path("policyTypes")) {
                                ingress |= t.asText().equals("Ingress");
                                egress |= t.asText().equals("Egress");
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            if (!pdb) {
                problems.add(Rendered.id(d) + ": no PodDisruptionBudget selects its pods");
            }
            if (!ingress || !egress) {
                problems.add(Rendered.id(d) + ": no NetworkPolicy restricts its pods' ingress and egress");
            }
        }
        return problems;
    }

    /** Whether a label selector (matchLabels only; matchExpressions are not used here) selects these labels. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        JsonNode match = selector.path("matchLabels");
        if (selector.has("matchExpressions") || match.isEmpty()) {
            return false; // an empty selector would select everything: not a per-service policy
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
