package dev.tandem.invite.support;

import static io.restassured.RestAssured.given;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Helpers for mode change requests: a live session made as in real life, and the calls. */
public final class ModeRequests {

    /** A live session of {@code agentId}, created from an accepted invite whose credential the visitor holds. */
    public record LiveSession(String sessionId, String agentId, String visitorCredential) {
    }

    private ModeRequests() {
    }

    /** Invite (chat platform chat-a, on {@code siteId}), visitor accepts, session-service reports the session. */
    public static LiveSession liveSession(ObjectMapper json, String siteId) {
        String agent = Invites.newAgent();
        Map<String, Object> body = Invites.body(agent);
        body.put("siteId", siteId);
        Response invite = Invites.post("chat-a", body).then().statusCode(201).extract().response();
        String credential = invite.path("visitor.credential");
        Invites.visitor("POST", "/accept", credential).then().statusCode(200);
        String session = Sessions.created(json, agent, Tokens.TENANT_A, siteId, Mode.VIEW_ONLY, invite.path("id"));
        return new LiveSession(session, agent, credential);
    }

    public static Response ask(String token, String sessionId, Object mode) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("sessionId", sessionId, "mode", mode))
                .when().post("/api/mode-requests");
    }

    public static Response visitor(String method, String path, String credential) {
        var request = given();
        if (credential != null) {
            request = request.header(Invites.CREDENTIAL, credential);
        }
        return request.when().request(method, "/api/visitor/mode-request" + path);
    }
}
