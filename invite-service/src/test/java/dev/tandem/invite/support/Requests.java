package dev.tandem.invite.support;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Helpers for visitor-initiated requests. */
public final class Requests {

    public static final String CHAT_CREDENTIAL = "Tandem-Chat-Credential";

    private Requests() {
    }

    public static String newChat() {
        return "chat-" + UUID.randomUUID();
    }

    public static Response issue(String client, String chatId, String siteId) {
        return given().auth().oauth2(Tokens.chatPlatform(client)).contentType(ContentType.JSON)
                .body(Map.of("chatId", chatId, "siteId", siteId))
                .when().post("/api/chat-credentials");
    }

    /** A chat credential of chat platform "chat-a" for a new chat on its site. */
    public static String chatCredential(String chatId) {
        return issue("chat-a", chatId, Sites.SITE_A).then().statusCode(201).extract().path("credential");
    }

    public static Response ask(String chatCredential) {
        var request = given();
        if (chatCredential != null) {
            request = request.header(CHAT_CREDENTIAL, chatCredential);
        }
        return request.when().post("/api/requests");
    }

    /** A new pending request in a new chat of chat platform "chat-a". */
    public static Response create() {
        return ask(chatCredential(newChat())).then().statusCode(201).extract().response();
    }

    public static Response accept(String token, String id, Map<String, Object> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .when().post("/api/requests/" + id + "/accept");
    }
}
