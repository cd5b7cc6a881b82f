package dev.tandem.invite.messaging;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.contracts.SiteConfig;
import dev.tandem.contracts.Topics;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.domain.VisitorCredential;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Kafka;
import dev.tandem.invite.support.Sessions;
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;

/** The projections invite-service keeps from other contexts' topics, fed through the real broker. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ProjectionsTest {

    static final String PLATFORM = "chat-a";

    @Inject
    ObjectMapper json;

    // ---- tandem.site-config -----------------------------------------------------------------------

    @Test
    void aSiteConfigFromTheTopicDecidesInvitesAndOnlyANewerVersionReplacesIt() {
        String site = "kafka-site-" + UUID.randomUUID();
        Kafka.send(Topics.SITE_CONFIG, site, "{not json");                      // skipped, does not block
        publish(site, Tokens.TENANT_A, 2, true, Map.of("default", List.of(Mode.VIEW_ONLY)));
        awaitVersion(site, 2);
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        Invites.post(PLATFORM, body).then().statusCode(201);
        body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        body.put("mode", "SHARED");
        Invites.post(PLATFORM, body).then().statusCode(403)
                .body("type", equalTo("https://tandem.dev/problems/mode-not-allowed"));

        // an older version (a replay) changes nothing; the newer one switches co-browsing off
        publish(site, Tokens.TENANT_A, 1, true, Map.of("default", List.of(Mode.VIEW_ONLY, Mode.SHARED)));
        publish(site, Tokens.TENANT_A, 3, false, Map.of("default", List.of(Mode.VIEW_ONLY, Mode.SHARED)));
        awaitVersion(site, 3);
        assertEquals(false, Db.rows("SELECT enabled FROM site_config WHERE site_id = ?", site).getFirst()
                .get("enabled"));
        body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        Invites.post(PLATFORM, body).then().statusCode(409)
                .body("type", equalTo("https://tandem.dev/problems/cobrowsing-disabled"));
    }

    @Test
    void aRecordWhoseKeyIsNotItsSiteIsSkippedAndATombstoneRemovesTheSite() {
        String site = "kafka-site-" + UUID.randomUUID();
        String other = "kafka-site-" + UUID.randomUUID();
        Kafka.send(Topics.SITE_CONFIG, other, config(site, Tokens.TENANT_A, 1, true, Map.of()));
        publish(site, Tokens.TENANT_A, 1, true, Map.of("default", List.of(Mode.VIEW_ONLY)));
        awaitVersion(site, 1);
        assertEquals(0, Db.count("SELECT count(*) FROM site_config WHERE site_id = ?", other));

        Kafka.send(Topics.SITE_CONFIG, site, null);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count("SELECT count(*) FROM site_config WHERE site_id = ?", site) == 0);
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        Invites.post(PLATFORM, body).then().statusCode(404)
                .body("type", equalTo("https://tandem.dev/problems/site-not-found"));
    }

    // ---- tandem.session-events --------------------------------------------------------------------

    @Test
    void aSessionRecordsTheAgentGroupAndCredentialHashOfTheInviteItCameFrom() {
        Sites.defaults();
        String agent = Invites.newAgent();
        Map<String, Object> body = Invites.body(agent);
        body.put("agentGroup", "default");
        Response created = Invites.post(PLATFORM, body).then().statusCode(201).extract().response();
        String session = Sessions.created(json, agent, Tokens.TENANT_A, Sites.SITE_A, Mode.VIEW_ONLY,
                created.path("id"));
        Map<String, Object> row = Db.rows("SELECT * FROM tracked_session WHERE session_id = ?", session).getFirst();
        assertEquals(agent, row.get("agent_id"));
        assertEquals(Tokens.TENANT_A, row.get("tenant"));
        assertEquals("VIEW_ONLY", row.get("mode"));
        assertEquals("default", row.get("agent_group"));
        assertEquals(VisitorCredential.hashOf(created.path("visitor.credential")), row.get("visitor_credential_hash"));

        Sessions.modeChanged(json, session, Mode.SHARED);
        Sessions.ended(json, session, agent);
        assertEquals("SHARED", Db.rows("SELECT mode FROM tracked_session WHERE session_id = ?", session)
                .getFirst().get("mode"));
    }

    @Test
    void anEventSeenTwiceIsAppliedOnceAndAnEndedSessionNeverComesBack() {
        String agent = Invites.newAgent();
        String session = UUID.randomUUID().toString();
        SessionEvent.SessionCreated created = new SessionEvent.SessionCreated(UUID.randomUUID(), Instant.now(),
                session, agent, "chat-1", Sites.SITE_A, Tokens.TENANT_A, Mode.VIEW_ONLY, UUID.randomUUID().toString());
        Sessions.send(json, created);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count("SELECT count(*) FROM tracked_session WHERE session_id = ? AND live", session) == 1);
        Sessions.ended(json, session, agent);
        // the same SessionCreated again (a redelivery): it was applied before, so the session stays ended
        Sessions.send(json, created);
        Kafka.send(Topics.SESSION_EVENTS, session, "{\"type\":\"SomethingNew\",\"id\":\"" + UUID.randomUUID() + "\"}");
        // one session's events arrive in order: once this later one is applied, so were the two before it
        Sessions.modeChanged(json, session, Mode.SHARED);
        assertEquals(false, Db.rows("SELECT live FROM tracked_session WHERE session_id = ?", session).getFirst()
                .get("live"));
        assertEquals(1, Db.count("SELECT count(*) FROM processed_event WHERE event_id = ?", created.id()));
        Invites.post(PLATFORM, Invites.body(agent)).then().statusCode(201);
    }

    private void publish(String site, String tenant, long version, boolean enabled, Map<String, List<Mode>> modes) {
        Kafka.send(Topics.SITE_CONFIG, site, config(site, tenant, version, enabled, modes));
    }

    private String config(String site, String tenant, long version, boolean enabled, Map<String, List<Mode>> modes) {
        try {
            return json.writeValueAsString(new SiteConfig(UUID.randomUUID(), Instant.now(), site, tenant, version,
                    enabled, List.of("http://localhost:8090"), List.of(), null, modes, null, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitVersion(String site, long version) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count("SELECT count(*) FROM site_config WHERE site_id = ? AND version = "
                        + version, site) == 1);
    }
}
