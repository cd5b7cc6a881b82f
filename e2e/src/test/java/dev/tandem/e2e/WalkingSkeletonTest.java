package dev.tandem.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import dev.tandem.e2e.support.SignIn;
import dev.tandem.local.LocalStack;

/**
 * The walking skeleton, end to end: a chat platform invites, the visitor accepts on the demo site,
 * session-service creates the session from the InviteAccepted event over Kafka, both sides join the
 * gateway with their tokens, the agent sees the visitor's page, typing and pointer; a password never
 * leaves the visitor's browser; the visitor's X ends the session for both. Every piece is real: the
 * packaged services as processes, Kafka, PostgreSQL, Keycloak, and Debian's Chromium.
 */
class WalkingSkeletonTest {

    static final String PASSWORD_CANARY = "Canary-Pa55word-7f3e91";
    static final String SECRET_CANARY = "canary-pet-name-b2d4";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);

    static LocalStack stack;
    static BrowserStack stage;
    static Browser browser;

    @BeforeAll
    static void startTheStack() throws Exception {
        stage = BrowserStack.start("walking", 20000);
        stack = stage.stack();
        browser = stage.browser();
    }

    @AfterAll
    static void stopTheStack() {
        if (stage != null) {
            stage.close();
        }
    }

    @Test
    void visitorAndAgentCoBrowseTheDemoSiteAndTheVisitorEndsIt() throws Exception {
        List<String> framesTheGatewaySaw = new CopyOnWriteArrayList<>();

        // The visitor opens the application form of the brand's site, with its chat.
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        Page visitor = visitorContext.newPage();
        visitor.onWebSocket(ws -> ws.onFrameSent(frame -> framesTheGatewaySaw.add(frame.text())));
        visitor.navigate(stack.demoSite().resolve("/apply.html").toString());
        visitor.getByTestId("chat-toggle").click();
        String chatId = visitor.getByTestId("chat-id").textContent().strip();
        assertTrue(chatId.startsWith("demo-chat-"), chatId);
        // Secrets present before anything starts.
        visitor.locator("#password").fill(PASSWORD_CANARY);
        visitor.locator("#security-answer").fill(SECRET_CANARY);

        // The agent signs in to the console through Keycloak and waits for a session.
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        Page agent = agentContext.newPage();
        agent.onWebSocket(ws -> ws.onFrameSent(frame -> framesTheGatewaySaw.add(frame.text())));
        SignIn.throughPage(agent, stack.gateway().resolve("/console/"), "agent1");
        assertThat(agent.getByTestId("signed-in-as")).containsText("agent1");
        assertThat(agent.getByTestId("waiting")).isVisible();

        // 1. The chat platform invites (view-only): the demo chat platform calls invite-service with a
        //    client-credentials token and posts the invite into the visitor's chat.
        HttpResponse<String> invited = post(stack.demoSite().resolve("/demo-chat/api/chats/" + chatId + "/invite"),
                "{\"agentId\":\"agent1\",\"mode\":\"VIEW_ONLY\"}", null);
        assertEquals(201, invited.statusCode(), invited.body());
        JsonNode invite = JSON.readTree(invited.body());
        assertEquals("PENDING", invite.path("state").asText());
        assertFalse(invite.has("visitor") && invite.path("visitor").has("credential"), "the credential stays in the chat");
        // The same invite, read by a chat platform with its own client-credentials token.
        HttpResponse<String> read = get(stack.inviteService().resolve("/api/invites/" + invite.path("id").asText()),
                chatPlatformToken());
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("agent1", JSON.readTree(read.body()).path("agentId").asText());
        assertEquals(401, get(stack.inviteService().resolve("/api/invites/" + invite.path("id").asText()), null)
                .statusCode(), "no token, no invite");

        // 2. The tag shows the invite prompt on the brand's page; the visitor accepts.
        Locator consent = visitor.getByTestId("tandem-consent");
        assertThat(consent).isVisible(LONG);
        assertThat(visitor.getByTestId("tandem-consent-mode")).hasText("View only");
        visitor.getByTestId("tandem-accept").click();

        // 3 + 4. session-service creates the session from InviteAccepted; both sides join the gateway; the
        //        agent sees the visitor's page rebuilt from the snapshot.
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        assertThat(agent.getByTestId("session-code")).hasText(java.util.regex.Pattern.compile("^\\d{9}$"),
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        FrameLocator mirrored = agent.frameLocator("tandem-viewer iframe");
        assertThat(mirrored.locator("h1")).hasText("Apply for travel insurance",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));

        // The visitor types into a normal field: the agent sees the text.
        visitor.locator("#full-name").click();
        visitor.keyboard().type("Jane Visitor");
        assertThat(mirrored.locator("#full-name")).hasValue("Jane Visitor",
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));

        // The visitor types a password: the agent sees only the placeholder.
        visitor.locator("#password").fill("");
        visitor.locator("#password").click();
        visitor.keyboard().type(PASSWORD_CANARY + "!");
        visitor.locator("#email").click();
        visitor.keyboard().type("jane@example.test");
        assertThat(mirrored.locator("#email")).hasValue("jane@example.test",
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));
        String agentPassword = mirrored.locator("#password").inputValue();
        assertFalse(agentPassword.contains("Canary"), "the agent's copy of the password field: " + agentPassword);

        // The visitor's pointer shows on the agent's side.
        visitor.mouse().move(400, 300);
        visitor.mouse().move(420, 320);
        assertThat(agent.getByTestId("visitor-pointer")).isVisible(LONG);

        // 5. No frame that went through the gateway holds the password or the masked secret, on either side.
        assertFalse(framesTheGatewaySaw.isEmpty());
        assertTrue(framesTheGatewaySaw.stream().anyMatch(f -> f.contains("Jane Visitor")),
                "the capture of frames works: the ordinary text is there");
        for (String frame : framesTheGatewaySaw) {
            assertFalse(frame.contains(PASSWORD_CANARY), "a frame carried the password");
            assertFalse(frame.contains(SECRET_CANARY), "a frame carried the masked security answer");
        }
        assertFalse(agent.content().contains(PASSWORD_CANARY));

        // 6. The visitor clicks the X on the session frame: the session ends for both sides.
        visitor.getByTestId("tandem-end").click();
        assertThat(visitor.getByTestId("tandem-frame")).isHidden(
                new LocatorAssertions.IsHiddenOptions().setTimeout(10_000));
        assertThat(agent.getByTestId("session-ended")).containsText("visitor",
                new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        assertThat(agent.getByTestId("waiting")).isVisible(LONG);

        // It cannot be rejoined: the agent has no live session any more.
        HttpResponse<String> current = get(stack.sessionService().resolve("/api/agents/me/session"),
                agentToken(agent));
        assertEquals(404, current.statusCode(), current.body());

        visitorContext.close();
        agentContext.close();
    }

    /** The agent's access token, as the console keeps it (sessionStorage of its tab). */
    private static String agentToken(Page console) throws Exception {
        Object stored = console.evaluate("() => sessionStorage.getItem('tandem.console.tokens')");
        if (stored == null) {
            throw new AssertionError("the console keeps no tokens in sessionStorage");
        }
        return JSON.readTree(stored.toString()).path("accessToken").asText();
    }

    private static String chatPlatformToken() throws Exception {
        String form = "grant_type=client_credentials&client_id=demo-chat-platform&client_secret="
                + URLEncoder.encode("local-demo-secret", StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                stack.keycloak().resolve("/realms/tandem/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static HttpResponse<String> post(URI uri, String json, String token) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
