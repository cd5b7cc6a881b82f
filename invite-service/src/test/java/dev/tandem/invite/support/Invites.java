package dev.tandem.invite.support;

import static io.restassured.RestAssured.given;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Small helpers to call the API as a chat platform and as a visitor. */
public final class Invites {

    public static final String CREDENTIAL = "Tandem-Invite-Credential";

    private Invites() {
    }

    /** A unique agent id, so that tests never meet each other's pending invites. */
    public static String newAgent() {
        return "agent-" + UUID.randomUUID();
    }

    public static Map<String, Object> body(String agentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", agentId);
        body.put("chatId", "chat-" + agentId);
        body.put("siteId", "demo-insurer");
        body.put("mode", "VIEW_ONLY");
        body.put("message", "May I look at the form with you?");
        return body;
    }

    /** A body for chat platform {@code client}, on its own site. */
    public static Map<String, Object> bodyFor(String client, String agentId) {
        Map<String, Object> body = body(agentId);
        body.put("siteId", "chat-b".equals(client) ? Sites.SITE_B : Sites.SITE_A);
        return body;
    }

    public static Response post(String client, Object body) {
        return given().auth().oauth2(Tokens.chatPlatform(client))
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/invites");
    }

    /** Creates an invite for {@code agentId} as chat platform {@code client}; fails unless 201. */
    public static Response create(String client, String agentId) {
        return post(client, body(agentId)).then().statusCode(201).extract().response();
    }

    public static Response visitor(String method, String path, String credential) {
        var request = given();
        if (credential != null) {
            request = request.header(CREDENTIAL, credential);
        }
        return request.when().request(method, "/api/visitor/invite" + path);
    }
}
