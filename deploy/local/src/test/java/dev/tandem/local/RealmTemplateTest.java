package dev.tandem.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class RealmTemplateTest {

    private static final String GATEWAY = "http://localhost:20084";
    private static final String DEMO = "http://localhost:20090";
    private static final String CONFIG = "http://localhost:20083";

    private final JsonNode realm = parse(RealmTemplate.render(GATEWAY, DEMO, CONFIG));

    @Test
    void rendersTheTandemRealmWithTheFourRolesAndNoPlaceholderLeft() {
        String rendered = RealmTemplate.render(GATEWAY, DEMO, CONFIG);
        assertFalse(rendered.contains("@@"), "a placeholder is left");
        assertFalse(rendered.contains("${"), "Keycloak would read ${…} as an environment placeholder");
        assertEquals("tandem", realm.path("realm").asText());
        assertTrue(realm.path("enabled").asBoolean());
        assertEquals(Set.of("agent", "supervisor", "tandem-admin", "chat-platform"),
                names(realm.path("roles").path("realm"), "name"));
    }

    @Test
    void theConsoleIsAPublicPkceClientOfThisStacksGateway() {
        JsonNode console = client("tandem-console");
        assertTrue(console.path("publicClient").asBoolean());
        assertTrue(console.path("standardFlowEnabled").asBoolean());
        assertFalse(console.path("implicitFlowEnabled").asBoolean());
        assertFalse(console.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(console.path("serviceAccountsEnabled").asBoolean());
        assertEquals("S256", console.path("attributes").path("pkce.code.challenge.method").asText());
        assertEquals(List.of(GATEWAY + "/console/*"), texts(console.path("redirectUris")));
        assertEquals(GATEWAY + "/console/*", console.path("attributes").path("post.logout.redirect.uris").asText());
        assertEquals(List.of(GATEWAY), texts(console.path("webOrigins")));
        JsonNode tenant = console.path("protocolMappers").get(0);
        assertEquals("oidc-usermodel-attribute-mapper", tenant.path("protocolMapper").asText());
        assertEquals("tenant", tenant.path("config").path("user.attribute").asText());
        assertEquals("tenant", tenant.path("config").path("claim.name").asText());
        assertEquals("true", tenant.path("config").path("access.token.claim").asText());
    }

    @Test
    void theAdminPageIsAPublicPkceClientOfThisStacksConfigService() {
        JsonNode admin = client("tandem-admin");
        assertTrue(admin.path("publicClient").asBoolean());
        assertTrue(admin.path("standardFlowEnabled").asBoolean());
        assertFalse(admin.path("implicitFlowEnabled").asBoolean());
        assertFalse(admin.path("directAccessGrantsEnabled").asBoolean());
        assertFalse(admin.path("serviceAccountsEnabled").asBoolean());
        assertEquals("S256", admin.path("attributes").path("pkce.code.challenge.method").asText());
        assertEquals(List.of(CONFIG + "/admin/*"), texts(admin.path("redirectUris")));
        assertEquals(CONFIG + "/admin/*", admin.path("attributes").path("post.logout.redirect.uris").asText());
        assertEquals(List.of(CONFIG), texts(admin.path("webOrigins")));
        JsonNode tenant = admin.path("protocolMappers").get(0);
        assertEquals("tenant", tenant.path("config").path("user.attribute").asText());
        assertEquals("tenant", tenant.path("config").path("claim.name").asText());
        assertEquals("true", tenant.path("config").path("access.token.claim").asText());
    }

    @Test
    void theDemoChatPlatformIsAConfidentialServiceAccountWithTheChatPlatformRole() {
        JsonNode platform = client("demo-chat-platform");
        assertFalse(platform.path("publicClient").asBoolean());
        assertTrue(platform.path("serviceAccountsEnabled").asBoolean());
        assertFalse(platform.path("standardFlowEnabled").asBoolean());
        assertFalse(platform.path("directAccessGrantsEnabled").asBoolean());
        assertEquals("local-demo-secret", platform.path("secret").asText());
        assertEquals(DEMO + "/chat-platform.html", platform.path("baseUrl").asText());
        JsonNode serviceAccount = user("service-account-demo-chat-platform");
        assertEquals("demo-chat-platform", serviceAccount.path("serviceAccountClientId").asText());
        assertEquals(List.of("chat-platform"), texts(serviceAccount.path("realmRoles")));
    }

    @Test
    void theLaunchersOwnClientIsAnAdminOfTheDemoTenantOnly() {
        JsonNode launcher = client("tandem-local-launcher");
        assertFalse(launcher.path("publicClient").asBoolean());
        assertTrue(launcher.path("serviceAccountsEnabled").asBoolean());
        assertFalse(launcher.path("standardFlowEnabled").asBoolean());
        assertFalse(launcher.path("directAccessGrantsEnabled").asBoolean());
        assertEquals(DemoSiteSeed.CLIENT_SECRET, launcher.path("secret").asText());
        JsonNode tenant = launcher.path("protocolMappers").get(0);
        assertEquals("oidc-hardcoded-claim-mapper", tenant.path("protocolMapper").asText());
        assertEquals("tenant", tenant.path("config").path("claim.name").asText());
        assertEquals("demo", tenant.path("config").path("claim.value").asText());
        assertEquals(List.of("tandem-admin"), texts(user("service-account-tandem-local-launcher").path("realmRoles")));
    }

    @Test
    void theDemoUsersHaveTheirRolesAPasswordEqualToTheirNameAndACompleteProfile() {
        assertUser("agent1", "agent");
        assertUser("agent2", "agent");
        assertUser("supervisor1", "supervisor");
        assertUser("admin1", "tandem-admin");
        // ADR 0003: every caller's tenant is the `tenant` claim; all demo users belong to tenant "demo".
        for (String username : List.of("agent1", "agent2", "supervisor1", "admin1")) {
            assertEquals(List.of("demo"), texts(user(username).path("attributes").path("tenant")), username);
        }
    }

    @Test
    void theDemoChatPlatformNamesItsTenantInItsTokens() {
        JsonNode tenant = client("demo-chat-platform").path("protocolMappers").get(0);
        assertEquals("oidc-hardcoded-claim-mapper", tenant.path("protocolMapper").asText());
        assertEquals("tenant", tenant.path("config").path("claim.name").asText());
        assertEquals("demo", tenant.path("config").path("claim.value").asText());
    }

    @Test
    void refusesAnOriginThatCouldBreakOutOfTheJson() {
        assertThrows(IllegalArgumentException.class,
                () -> RealmTemplate.render("http://localhost:1\",\"publicClient\":true,\"x\":\"", DEMO, CONFIG));
        assertThrows(IllegalArgumentException.class, () -> RealmTemplate.render(GATEWAY, "localhost:8090", CONFIG));
        assertThrows(IllegalArgumentException.class, () -> RealmTemplate.render(GATEWAY, null, CONFIG));
        assertThrows(IllegalArgumentException.class, () -> RealmTemplate.render(GATEWAY, DEMO, CONFIG + "/admin/"));
    }

    private void assertUser(String username, String role) {
        JsonNode user = user(username);
        assertTrue(user.path("enabled").asBoolean(), username);
        assertEquals(List.of(role), texts(user.path("realmRoles")), username);
        JsonNode credential = user.path("credentials").get(0);
        assertEquals("password", credential.path("type").asText());
        assertEquals(username, credential.path("value").asText());
        assertFalse(credential.path("temporary").asBoolean());
        // Without these Keycloak asks the user to complete the profile at the first sign-in.
        for (String field : List.of("email", "firstName", "lastName")) {
            assertFalse(user.path(field).asText().isBlank(), username + " has no " + field);
        }
        assertTrue(user.path("emailVerified").asBoolean());
    }

    private JsonNode client(String clientId) {
        for (JsonNode client : realm.path("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                return client;
            }
        }
        throw new AssertionError("no client " + clientId);
    }

    private JsonNode user(String username) {
        for (JsonNode user : realm.path("users")) {
            if (username.equals(user.path("username").asText())) {
                return user;
            }
        }
        throw new AssertionError("no user " + username);
    }

    private static Set<String> names(JsonNode array, String field) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.path(field).asText()));
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON", e);
        }
    }
}
