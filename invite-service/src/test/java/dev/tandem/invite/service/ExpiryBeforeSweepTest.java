package dev.tandem.invite.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;

/** Invites that expire after two seconds and no sweeper: the clock alone makes them EXPIRED. */
@QuarkusTest
@TestProfile(ExpiryBeforeSweepTest.NoSweeper.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ExpiryBeforeSweepTest {

    public static class NoSweeper implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invite.expiry", "2s", "invite.sweeper.interval", "off");
        }
    }

    static final String PLATFORM = "chat-a";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void anInvitePastItsExpiryIsExpiredForEveryoneBeforeTheSweeperRuns() {
        Response created = Invites.create(PLATFORM, Invites.newAgent());
        String id = created.path("id");
        String credential = created.path("visitor.credential");

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                Invites.visitor("GET", "", credential).then().statusCode(200).body("state", equalTo("EXPIRED")));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/invites/" + id)
                .then().statusCode(200).body("state", equalTo("EXPIRED"));
        Invites.visitor("POST", "/accept", credential).then().statusCode(409)
                .body("type", equalTo("https://tandem.dev/problems/invite-not-pending"))
                .body("detail", org.hamcrest.Matchers.containsString("EXPIRED"));
        Invites.visitor("POST", "/decline", credential).then().statusCode(409);

        // nothing was written: the row is still PENDING, waiting for a sweeper
        assertEquals("PENDING", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(id))
                .getFirst().get("state"));
    }

    @Test
    void aNewInviteForTheAgentExpiresTheOldOneThatOutlivedItsTime() {
        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String first = Invites.create(PLATFORM, agent).path("id");
            Invites.post(PLATFORM, Invites.body(agent)).then().statusCode(409);

            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    Invites.post(PLATFORM, Invites.body(agent)).statusCode() == 201);

            InviteEvent.InviteExpired expired = topic.awaitEvent(InviteEvent.InviteExpired.class, first);
            assertEquals(agent, expired.agentId());
            List<Map<String, Object>> rows = Db.rows(
                    "SELECT state FROM invite WHERE agent_id = ? ORDER BY created_at", agent);
            assertEquals(List.of("EXPIRED", "PENDING"), rows.stream().map(r -> r.get("state")).toList());
        }
    }
}
