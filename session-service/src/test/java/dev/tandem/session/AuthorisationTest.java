package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every endpoint against every kind of caller: the session's agent, another agent, a supervisor and an admin
 * of its tenant and of another tenant, a chat platform, a signed-in user without a role (a visitor with an
 * account), and nobody. Where a caller may not see a session, the answer is the same as for one that does not
 * exist.
 */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class AuthorisationTest {

    static final String NOT_FOUND = "https://tandem.dev/problems/session-not-found";
    static final String CODE_NOT_YOURS = "https://tandem.dev/problems/code-not-yours";

    TestEvents.Accepted accepted;
    String sessionId;
    String code;
    Map<String, String> callers;

    @BeforeEach
    void openASession() {
        accepted = TestEvents.accepted(TestEvents.newAgent());
        var session = TestSessions.openSession(accepted);
        sessionId = session.getString("sessionId");
        code = session.getString("code");
        callers = new LinkedHashMap<>();
        callers.put("anonymous", null);
        callers.put("agent", TestSessions.agentToken(accepted.agentId()));
        callers.put("other agent", TestSessions.agentToken(TestEvents.newAgent()));
        callers.put("supervisor", TestSessions.supervisorToken("supervisor1", TestEvents.TENANT));
        callers.put("other supervisor", TestSessions.supervisorToken("supervisor9", TestEvents.OTHER_TENANT));
        callers.put("admin", TestSessions.adminToken("admin1", TestEvents.TENANT));
        callers.put("other admin", TestSessions.adminToken("admin9", TestEvents.OTHER_TENANT));
        callers.put("chat platform", TestSessions.chatPlatformToken(TestEvents.TENANT));
        callers.put("visitor", OidcWiremockTestResource.getAccessToken("visitor", Set.of()));
    }

    @Test
    void getASession() {
        expect("GET", "/api/sessions/" + sessionId, null, Map.of(
                "anonymous", 401, "agent", 200, "other agent", 404, "supervisor", 200, "other supervisor", 404,
                "admin", 200, "other admin", 404, "chat platform", 403, "visitor", 403));
        sameAsUnknown("GET", "/api/sessions/%s", null, List.of("other agent", "other supervisor", "other admin"));
    }

    @Test
    void getASessionByCode() {
        expect("GET", "/api/sessions/by-code/" + code, null, Map.of(
                "anonymous", 401, "agent", 200, "other agent", 403, "supervisor", 403, "other supervisor", 403,
                "admin", 403, "other admin", 403, "chat platform", 403, "visitor", 403));
        // a session guessed by its code gets the same answer as a code that does not exist, or is not a code
        String intruder = callers.get("other agent");
        ExtractableResponse<Response> guessed = call("GET", "/api/sessions/by-code/" + code, intruder, null);
        String unused = code.equals("999999999") ? "999999998" : "999999999";
        for (String other : List.of(unused, "12345", "not-a-code")) {
            ExtractableResponse<Response> r = call("GET", "/api/sessions/by-code/" + other, intruder, null);
            assertEquals(403, r.statusCode());
            assertEquals(CODE_NOT_YOURS, r.path("type"));
            assertEquals(withoutInstance(guessed), withoutInstance(r));
        }
        assertEquals(CODE_NOT_YOURS, guessed.path("type"));
    }

    @Test
    void listLiveSessions() {
        expect("GET", "/api/sessions?state=live", null, Map.of(
                "anonymous", 401, "agent", 403, "other agent", 403, "supervisor", 200, "other supervisor", 200,
                "admin", 200, "other admin", 200, "chat platform", 403, "visitor", 403));
    }

    @Test
    void agentJoinToken() {
        expect("POST", "/api/sessions/" + sessionId + "/join-token", null, Map.of(
                "anonymous", 401, "agent", 200, "other agent", 404, "supervisor", 403, "other supervisor", 403,
                "admin", 403, "other admin", 403, "chat platform", 403, "visitor", 403));
        sameAsUnknown("POST", "/api/sessions/%s/join-token", null, List.of("other agent"));
    }

    @Test
    void observerToken() {
        expect("POST", "/api/sessions/" + sessionId + "/observer-token", null, Map.of(
                "anonymous", 401, "agent", 403, "other agent", 403, "supervisor", 200, "other supervisor", 404,
                "admin", 403, "other admin", 403, "chat platform", 403, "visitor", 403));
        sameAsUnknown("POST", "/api/sessions/%s/observer-token", null, List.of("other supervisor"));
    }

    @Test
    void setTheMode() {
        String body = "{\"mode\": \"VIEW_ONLY\"}";
        expect("POST", "/api/sessions/" + sessionId + "/mode", body, Map.of(
                "anonymous", 401, "agent", 200, "other agent", 404, "supervisor", 403, "other supervisor", 403,
                "admin", 403, "other admin", 403, "chat platform", 403, "visitor", 403));
        sameAsUnknown("POST", "/api/sessions/%s/mode", body, List.of("other agent"));
    }

    @Test
    void readTheAuditTrail() {
        expect("GET", "/api/sessions/" + sessionId + "/audit", null, Map.of(
                "anonymous", 401, "agent", 403, "other agent", 403, "supervisor", 200, "other supervisor", 404,
                "admin", 200, "other admin", 404, "chat platform", 403, "visitor", 403));
        sameAsUnknown("GET", "/api/sessions/%s/audit", null, List.of("other supervisor", "other admin"));
    }

    @Test
    void endTheSession() {
        // The session's own supervisors and admins may end it too (OperatorEndTest); here, everyone else.
        Map<String, Integer> expected = new HashMap<>(Map.of(
                "anonymous", 401, "other agent", 404, "other supervisor", 404,
                "other admin", 404, "chat platform", 403, "visitor", 403));
        expect("POST", "/api/sessions/" + sessionId + "/end", null, expected);
        sameAsUnknown("POST", "/api/sessions/%s/end", null, List.of("other agent", "other supervisor", "other admin"));
        assertEquals("WAITING", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", sessionId),
                "nobody but its agent ended it");
        assertEquals(204, call("POST", "/api/sessions/" + sessionId + "/end", callers.get("agent"), null).statusCode());
    }

    @Test
    void chatEndedWebhook() {
        expect("POST", "/api/chats/" + accepted.chatId() + "-not-this/ended", null, Map.of(
                "anonymous", 401, "agent", 403, "other agent", 403, "supervisor", 403, "other supervisor", 403,
                "admin", 403, "other admin", 403, "chat platform", 204, "visitor", 403));
    }

    @Test
    void theAgentsOwnSession() {
        expect("GET", "/api/agents/me/session", null, Map.of(
                "anonymous", 401, "agent", 200, "other agent", 404, "supervisor", 403, "other supervisor", 403,
                "admin", 403, "other admin", 403, "chat platform", 403, "visitor", 403));
    }

    private void expect(String method, String path, String body, Map<String, Integer> expected) {
        List<String> wrong = new ArrayList<>();
        for (var e : expected.entrySet()) {
            ExtractableResponse<Response> r = call(method, path, callers.get(e.getKey()), body);
            if (r.statusCode() != e.getValue()) {
                wrong.add(e.getKey() + ": expected " + e.getValue() + ", got " + r.statusCode());
            }
            if (r.statusCode() >= 400) {
                assertEquals("application/problem+json", r.contentType(), e.getKey() + " " + method + " " + path);
            }
        }
        assertEquals(List.of(), wrong, method + " " + path);
    }

    /** Those callers get, for this session, exactly what anyone gets for a session id that does not exist. */
    private void sameAsUnknown(String method, String pathFormat, String body, List<String> who) {
        for (String caller : who) {
            ExtractableResponse<Response> real = call(method, pathFormat.formatted(sessionId), callers.get(caller), body);
            ExtractableResponse<Response> unknown = call(method, pathFormat.formatted(UUID.randomUUID()),
                    callers.get(caller), body);
            assertEquals(404, real.statusCode(), caller);
            assertEquals(NOT_FOUND, real.path("type"), caller);
            assertEquals(withoutInstance(unknown), withoutInstance(real), caller);
        }
    }

    private static ExtractableResponse<Response> call(String method, String path, String token, String body) {
        RequestSpecification request = given();
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        if (body != null) {
            request = request.contentType("application/json").body(body);
        }
        return request.when().request(method, path).then().extract();
    }

    private static Map<String, Object> withoutInstance(ExtractableResponse<Response> r) {
        Map<String, Object> body = new HashMap<>(r.jsonPath().getMap("$"));
        body.remove("instance");
        return body;
    }
}
