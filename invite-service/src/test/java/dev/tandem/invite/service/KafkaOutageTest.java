package dev.tandem.invite.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Requests;
import dev.tandem.invite.support.Sites;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * Kafka cannot be reached: the availability probe talks to a port where no broker listens (the rest of the
 * service still uses the real broker, so that the instance starts). New invites and visitor requests are
 * refused with 503 events-unavailable and Retry-After, and nothing is stored for them; the rest of
 * the API (reading an invite, issuing a chat credential) goes on. That the probe finds a running broker is
 * shown by every other test class, whose invites are created (201) with the probe on the real broker. The
 * whole outage (broker stopped and started again) is in e2e's FaultsTest.
 */
@QuarkusTest
@TestProfile(KafkaOutageTest.BrokerAway.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class KafkaOutageTest {

    public static class BrokerAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Port 9 (discard) on loopback: nothing listens there.
            return Map.of("invite.kafka.probe-bootstrap-servers", "127.0.0.1:9",
                    "invite.kafka.probe-interval", "300ms",
                    "invite.kafka.probe-timeout", "500ms",
                    "invite.kafka.retry-after", "7s");
        }
    }

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void aNewInviteGets503WithRetryAfterAndNothingIsStored() {
        String agent = Invites.newAgent();
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> Invites.post("chat-a", Invites.body(agent)).statusCode() == 503);

        Invites.post("chat-a", Invites.body(agent)).then()
                .statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .header("Retry-After", equalTo("7"))
                .body("type", endsWith("/events-unavailable"))
                .body("status", equalTo(503));
        // The invite and its event are written in one transaction: no invite, no event.
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent), "no invite was stored");
    }

    @Test
    void aVisitorRequestGets503TooButTheRestOfTheApiGoesOn() {
        // Issuing a chat credential publishes nothing: it still works.
        String credential = Requests.chatCredential(Requests.newChat());
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> Requests.ask(credential).statusCode() == 503);
        Requests.ask(credential).then()
                .statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .header("Retry-After", equalTo("7"))
                .body("type", endsWith("/events-unavailable"));
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
