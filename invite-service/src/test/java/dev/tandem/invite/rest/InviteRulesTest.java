package dev.tandem.invite.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Sessions;
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The rules of POST /api/invites beyond the first slice: tenant, site config, agent group, busy agents. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class InviteRulesTest {

    static final String PLATFORM = "chat-a";
    static final String PROBLEMS = "https://tandem.dev/problems/";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    // ---- tenant ---------------------------------------------------------------------------------

    @Test
    void theTenantIsTheTokensTenantClaimNotThePrincipal() {
        String id = Invites.create(PLATFORM, Invites.newAgent()).path("id");
        assertEquals(Tokens.TENANT_A, Db.rows("SELECT tenant FROM invite WHERE id = ?", UUID.fromString(id))
                .getFirst().get("tenant"));
        // another client of the same tenant reads it; the same client name with another tenant does not
        given().auth().oauth2(Tokens.token("service-account-other-client", java.util.Set.of("chat-platform"),
                Tokens.TENANT_A)).when().get("/api/invites/" + id).then().statusCode(200);
        given().auth().oauth2(Tokens.token("service-account-" + PLATFORM, java.util.Set.of("chat-platform"),
                "tenant-x")).when().get("/api/invites/" + id).then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "invite-not-found"));
    }

    @Test
    void aTokenWithoutTenantClaimIsRefusedWithNoTenant() {
        String agent = Invites.newAgent();
        given().auth().oauth2(Tokens.withoutTenant("service-account-x", "chat-platform"))
                .contentType(ContentType.JSON).body(Invites.body(agent))
                .when().post("/api/invites").then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "no-tenant"));
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
        given().auth().oauth2(Tokens.withoutTenant("service-account-x", "chat-platform"))
                .when().get("/api/invites/" + UUID.randomUUID()).then().statusCode(403)
                .body("type", equalTo(PROBLEMS + "no-tenant"));
    }

    @Test
    void adminsAndSupervisorsMayNotCreateOrReadInvites() {
        String id = Invites.create(PLATFORM, Invites.newAgent()).path("id");
        for (String token : new String[] { Tokens.admin(), Tokens.supervisor() }) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Invites.body(Invites.newAgent()))
                    .when().post("/api/invites").then().statusCode(403).contentType("application/problem+json");
            given().auth().oauth2(token).when().get("/api/invites/" + id).then().statusCode(403);
        }
    }

    // ---- site config ----------------------------------------------------------------------------

    @Test
    void anUnknownSiteAndAnotherTenantsSiteGetTheSame404() {
        Map<String, Object> unknown = Invites.body(Invites.newAgent());
        unknown.put("siteId", "no-such-site");
        Response forUnknown = Invites.post(PLATFORM, unknown);
        forUnknown.then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "site-not-found"));
        Map<String, Object> theirs = Invites.body(Invites.newAgent());
        theirs.put("siteId", Sites.SITE_B);
        Response forTheirs = Invites.post(PLATFORM, theirs);
        forTheirs.then().statusCode(404).body("type", equalTo(PROBLEMS + "site-not-found"))
                .body("detail", not(containsString(Tokens.tenantOf("chat-b"))));
        assertEquals(((String) forUnknown.path("detail")).replace("no-such-site", Sites.SITE_B),
                forTheirs.path("detail"), "the answers differ only in the site id the caller sent");
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id IN (?, ?)",
                unknown.get("agentId"), theirs.get("agentId")));
    }

    @Test
    void aSiteWithCoBrowsingOffIsRefused() {
        String site = "off-" + UUID.randomUUID();
        Sites.put(site, Tokens.TENANT_A, false, Sites.BOTH_MODES);
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        Invites.post(PLATFORM, body).then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "cobrowsing-disabled"));
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", body.get("agentId")));
    }

    @Test
    void aModeTheAgentGroupMayNotUseIsRefusedAndAnAllowedOneRecordsTheGroup() {
        String site = "groups-" + UUID.randomUUID();
        Sites.put(site, Tokens.TENANT_A, true, "{\"default\":[\"VIEW_ONLY\"],\"seniors\":[\"VIEW_ONLY\",\"SHARED\"]}");
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("siteId", site);
        body.put("mode", "SHARED");
        Invites.post(PLATFORM, body).then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "mode-not-allowed"));
        body.put("agentGroup", "juniors");
        Invites.post(PLATFORM, body).then().statusCode(403).body("type", equalTo(PROBLEMS + "mode-not-allowed"));
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", body.get("agentId")));

        body.put("agentGroup", "seniors");
        String id = Invites.post(PLATFORM, body).then().statusCode(201)
                .body("agentGroup", equalTo("seniors")).extract().path("id");
        assertEquals("seniors", Db.rows("SELECT agent_group FROM invite WHERE id = ?", UUID.fromString(id))
                .getFirst().get("agent_group"));

        Map<String, Object> viewOnly = Invites.body(Invites.newAgent());
        viewOnly.put("siteId", site);
        Invites.post(PLATFORM, viewOnly).then().statusCode(201).body("agentGroup", equalTo("default"));
    }

    @Test
    void anAgentGroupOfTheWrongFormIsNamed() {
        for (Object bad : new Object[] { "", "a b", "x".repeat(129), 7 }) {
            Map<String, Object> body = Invites.body(Invites.newAgent());
            body.put("agentGroup", bad);
            Invites.post(PLATFORM, body).then().statusCode(400).body("errors.field", hasItem("agentGroup"));
        }
    }

    // ---- busy agents ----------------------------------------------------------------------------

    @Test
    void anAgentInALiveSessionCannotInviteUntilTheSessionEnds() {
        String agent = Invites.newAgent();
        String session = Sessions.created(json, agent, Tokens.TENANT_A, Sites.SITE_A, Mode.VIEW_ONLY,
                UUID.randomUUID().toString());
        Response refused = Invites.post(PLATFORM, Invites.body(agent));
        refused.then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "agent-in-session"))
                .body("detail", not(containsString(session)));
        // another tenant is refused as well, and learns nothing of the session
        Invites.post("chat-b", Invites.bodyFor("chat-b", agent)).then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "agent-in-session"));
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));

        Sessions.ended(json, session, agent);
        Invites.post(PLATFORM, Invites.body(agent)).then().statusCode(201);
    }
}
