package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;

/** Driving the service as its callers do. */
public final class TestSessions {

    private TestSessions() {
    }

    public static String agentToken(String agentId) {
        return OidcWiremockTestResource.getAccessToken(agentId, Set.of("agent"));
    }

    /** A token with roles and a {@code tenant} claim, as Keycloak issues them for this realm. */
    public static String token(String user, Set<String> roles, String tenant) {
        return OidcWiremockTestResource.generateJwtToken(user, roles, "123456", "Bearer",
                Set.of("https://server.example.com"), Map.of("tenant", tenant));
    }

    public static String supervisorToken(String user, String tenant) {
        return token(user, Set.of("supervisor"), tenant);
    }

    public static String adminToken(String user, String tenant) {
        return token(user, Set.of("tandem-admin"), tenant);
    }

    public static String chatPlatformToken(String tenant) {
        return token("service-account-" + tenant + "-chat", Set.of("chat-platform"), tenant);
    }

    /** A signed-in user without any role, e.g. a visitor who somehow has an account. */
    public static String roleLessToken(String user) {
        return OidcWiremockTestResource.getAccessToken(user, Set.of());
    }

    /** Publishes the accepted invite and waits until the agent sees the session; answers the agent's view. */
    public static JsonPath openSession(TestEvents.Accepted accepted) {
        TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), accepted.json());
        return awaitLiveSession(accepted.agentId());
    }

    public static JsonPath awaitLiveSession(String agentId) {
        String token = agentToken(agentId);
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().auth().oauth2(token).when().get("/api/agents/me/session").then().extract(),
                        r -> r.statusCode() == 200)
                .jsonPath();
    }
}
