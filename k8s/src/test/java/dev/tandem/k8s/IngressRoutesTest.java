package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint a service declares (JAX-RS {@code @Path}, WebSocket {@code @WebSocket(path)}) reaches that service
 * through the rendered Ingresses, resolved the way Kubernetes defines it: an Exact path wins, otherwise the longest
 * Prefix, matched element by element. Two services must never share a prefix, since the ingress cannot look at
 * the rest of the path.
 */
class IngressRoutesTest {

    static final List<String> OVERLAYS = Rendered.OVERLAYS;

    /** The service (Kubernetes Service name, equal to the module directory) of each module with endpoints. */
    static final List<String> SERVICES = List.of("invite-service", "session-service", "masking-config-service",
            "relay-gateway");

    /** What each service serves besides its resources: the web build's files (web/pom.xml, the services' poms). */
    static final Map<String, String> STATIC_FILES = Map.of(
            "/tandem.js", "relay-gateway", "/viewer.js", "relay-gateway",
            "/console/index.html", "relay-gateway", "/console/console.js", "relay-gateway",
            "/admin/", "masking-config-service", "/admin/admin.js", "masking-config-service");

    private static final Pattern PATH = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
    private static final Pattern WEBSOCKET = Pattern.compile("@WebSocket\\(\\s*path\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern TYPE = Pattern.compile("^(public\\s+)?(final\\s+)?(class|interface|record)\\s", Pattern.MULTILINE);
    private static final Pattern PARAM = Pattern.compile("\\{[^}/]+}");

    record Route(String path, String pathType, String service) {
    }

    @Test
    void theServicesDeclareTheEndpointsThisTestExpects() {
        Map<String, String> endpoints = endpoints();
        // the scan must see the endpoints we know of, or it proves nothing
        assertEquals("invite-service", endpoints.get("/api/invites"));
        assertEquals("invite-service", endpoints.get("/api/mode-requests/x1"));
        assertEquals("session-service", endpoints.get("/api/sessions/x1/join-token"));
        assertEquals("session-service", endpoints.get("/api/chats/x1/ended"));
        assertEquals("masking-config-service", endpoints.get("/api/admin/sites/x1/history/x1/restore"));
        assertEquals("relay-gateway", endpoints.get("/ws/visitor"));
        assertTrue(endpoints.size() > 30, "only " + endpoints.size() + " endpoints found: " + endpoints);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyEndpointReachesTheServiceThatDeclaresIt(String overlay) {
        List<Route> routes = routes(overlay);
        Map<String, String> expected = new TreeMap<>(endpoints());
        expected.putAll(STATIC_FILES);
        List<String> wrong = new ArrayList<>();
        expected.forEach((path, service) -> {
            String routed = resolve(routes, path);
            if (!service.equals(routed)) {
                wrong.add(path + " (of " + service + ") goes to " + (routed == null ? "nothing" : routed));
            }
        });
        assertEquals(List.of(), wrong, overlay + ": endpoints the ingress sends to the wrong place");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void managementEndpointsAndUnknownPathsAreNotExposed(String overlay) {
        List<Route> routes = routes(overlay);
        for (String path : List.of("/q/health", "/q/metrics", "/q/openapi", "/", "/api", "/api/unknown",
                "/api/invitesX", "/wsx")) {
            assertNull(resolve(routes, path), overlay + ": " + path + " must not be routed");
        }
    }

    @Test
    void resolutionFollowsTheKubernetesRules() {
        List<Route> routes = List.of(new Route("/api/visitor", "Prefix", "a"),
                new Route("/api/visitor/session-token", "Exact", "b"), new Route("/api/visitor/deep", "Prefix", "c"));
        assertEquals("a", resolve(routes, "/api/visitor"));
        assertEquals("a", resolve(routes, "/api/visitor/invite"));
        assertEquals("b", resolve(routes, "/api/visitor/session-token"));
        assertEquals("a", resolve(routes, "/api/visitor/session-token/x"));
        assertEquals("c", resolve(routes, "/api/visitor/deep/x"));
        assertNull(resolve(routes, "/api/visitors"));
    }

    /** The backend Kubernetes would pick for a request path, or null when no rule matches. */
    static String resolve(List<Route> routes, String path) {
        for (Route r : routes) {
            if (r.pathType().equals("Exact") && r.path().equals(path)) {
                return r.service();
            }
        }
        Route best = null;
        for (Route r : routes) {
            if (r.pathType().equals("Prefix") && prefixMatches(r.path(), path)
                    && (best == null || r.path().length() > best.path().length())) {
                best = r;
            }
        }
        return best == null ? null : best.service();
    }

    private static boolean prefixMatches(String prefix, String path) {
        String p = prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (p.equals("/")) {
            return true;
        }
        return path.equals(p) || path.startsWith(p + "/");
    }

    static List<Route> routes(String overlay) {
        List<Route> routes = new ArrayList<>();
        for (JsonNode ingress : Rendered.ofKind(overlay, "Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                if (rule.path("host").asText().startsWith("auth.")) {
                    continue; // Keycloak's own host
                }
                for (JsonNode p : rule.path("http").path("paths")) {
                    routes.add(new Route(p.path("path").asText(), p.path("pathType").asText(),
                            p.path("backend").path("service").path("name").asText()));
                }
            }
        }
        return routes;
    }

    /** Each endpoint path the services declare ({params} filled with "x1") and the service declaring it. */
    static Map<String, String> endpoints() {
        Path repo = Rendered.k8sDir().getParent();
        Map<String, String> endpoints = new TreeMap<>();
        for (String service : SERVICES) {
            Path sources = repo.resolve(service).resolve("src/main/java");
            assertTrue(Files.isDirectory(sources), "no sources at " + sources);
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String path : declaredPaths(Files.readString(file))) {
                        String previous = endpoints.put(PARAM.matcher(path).replaceAll("x1"), service);
                        assertTrue(previous == null || previous.equals(service),
                                path + " is declared by both " + previous + " and " + service);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return endpoints;
    }

    /** The full paths a source file declares: its type's @Path, joined with each method's @Path. */
    static List<String> declaredPaths(String source) {
        List<String> paths = new ArrayList<>();
        Matcher ws = WEBSOCKET.matcher(source);
        while (ws.find()) {
            paths.add(ws.group(1));
        }
        Matcher type = TYPE.matcher(source);
        int typeStart = type.find() ? type.start() : 0;
        String base = null;
        List<String> methods = new ArrayList<>();
        Matcher m = PATH.matcher(source);
        while (m.find()) {
            if (m.start() < typeStart && base == null) {
                base = m.group(1);
            } else {
                methods.add(m.group(1));
            }
        }
        if (base == null) {
            return paths;
        }
        paths.add(join(base, ""));
        for (String method : methods) {
            paths.add(join(base, method));
        }
        return paths;
    }

    private static String join(String base, String method) {
        String b = base.startsWith("/") ? base : "/" + base;
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (method.isEmpty() || method.equals("/")) {
            return b.isEmpty() ? "/" : b;
        }
        return b + (method.startsWith("/") ? method : "/" + method);
    }
}
