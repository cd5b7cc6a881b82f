package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.EmbeddedPostgresServer;
import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * One live session per agent, whatever opens it (invites, visitor requests) and however many arrive at once;
 * the losers are told so (409 agent-busy) instead of waiting. And a join token binds its session and role.
 */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class OneLiveSessionPerAgentTest {

    @Test
    void anAcceptedVisitorRequestOpensASessionTheVisitorJoinsWithItsCredential() throws Exception {
        TestEvents.Accepted request = TestEvents.accepted(TestEvents.newAgent()).asVisitorRequest();
        String sessionId = TestSessions.openSession(request).getString("sessionId");

        String jwt = given().header("Tandem-Invite-Credential", request.credential())
                .when().post("/api/visitor/session-token")
                .then().statusCode(200).body("sessionId", equalTo(sessionId)).extract().path("joinToken");
        assertEquals("visitor", VisitorSessionTokenTest.verifier().processToClaims(jwt).getStringClaimValue("role"));
        given().auth().oauth2(TestSessions.supervisorToken("s", TestEvents.TENANT))
                .when().get("/api/sessions/{id}", sessionId)
                .then().statusCode(200).body("origin", equalTo("VISITOR_REQUEST"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .during(java.time.Duration.ofSeconds(1))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionCreated").size(), n -> n == 1);
    }

    @Test
    void ofAcceptancesArrivingTogetherForOneAgentExactlyOneOpensAndTheOthersAreToldTheAgentIsBusy() {
        String agent = TestEvents.newAgent();
        TestEvents.Accepted first = TestEvents.accepted(agent);
        List<TestEvents.Accepted> all = new ArrayList<>(List.of(first));
        for (int i = 0; i < 5; i++) {
            TestEvents.Accepted another = first.anotherInvite();
            all.add(i % 2 == 0 ? another.asVisitorRequest() : another);
        }
        // on different partitions, as if published by several replicas under different keys
        List<RecordMetadata> sent = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            sent.add(TestKafka.send(TestKafka.INVITE_EVENTS, i % 6, agent, all.get(i).json()));
        }
        sent.forEach(TestKafka::awaitConsumed);

        assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE agent_id = ? AND state <> 'ENDED'",
                agent));
        int ok = 0;
        int busy = 0;
        for (TestEvents.Accepted a : all) {
            int status = given().header("Tandem-Invite-Credential", a.credential())
                    .when().post("/api/visitor/session-token").then().extract().statusCode();
            if (status == 200) {
                ok++;
            } else if (status == 409) {
                busy++;
            }
        }
        assertEquals(1, ok, "one visitor got the session");
        assertEquals(all.size() - 1, busy, "every other visitor was told the agent is busy");
    }

    @Test
    void theDatabaseItselfRefusesASecondLiveSessionForAnAgentEvenFromConcurrentTransactions() throws Exception {
        String agent = TestEvents.newAgent();
        try (Connection a = connect(); Connection b = connect()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            insertLive(a, agent, "700000001");
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    insertLive(b, agent, "700000002"); // blocks on a's uncommitted row, then fails
                    b.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState(), e);
                }
            });
            a.commit();
            var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> second.get(20, TimeUnit.SECONDS));
            assertEquals("23505", failure.getCause().getMessage(), "unique violation");
        }
        assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE agent_id = ? AND state <> 'ENDED'",
                agent));
    }

    @Test
    void aVisitorsTokenIsBoundToItsSessionAndToTheVisitorRole() throws Exception {
        TestEvents.Accepted one = TestEvents.accepted(TestEvents.newAgent());
        TestEvents.Accepted two = TestEvents.accepted(TestEvents.newAgent());
        String oneId = TestSessions.openSession(one).getString("sessionId");
        String twoId = TestSessions.openSession(two).getString("sessionId");

        String jwt = given().header("Tandem-Invite-Credential", one.credential())
                .when().post("/api/visitor/session-token").then().statusCode(200).extract().path("joinToken");
        JwtClaims claims = VisitorSessionTokenTest.verifier().processToClaims(jwt);
        assertEquals(oneId, claims.getStringClaimValue("sid"), "bound to its own session");
        assertEquals("visitor", claims.getStringClaimValue("role"), "a gateway takes it on /ws/visitor only");
        assertEquals("visitor", claims.getSubject(), "not the agent's identity");
        assertEquals(false, twoId.equals(claims.getStringClaimValue("sid")));
        // the claims cannot be changed without breaking the signature (see VisitorSessionTokenTest), and the
        // credential buys a token for its own session only:
        String twoJwt = given().header("Tandem-Invite-Credential", two.credential())
                .when().post("/api/visitor/session-token").then().statusCode(200).extract().path("joinToken");
        assertEquals(twoId, VisitorSessionTokenTest.verifier().processToClaims(twoJwt).getStringClaimValue("sid"));
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TandemInfraResource.jdbcUrl("sessions"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
    }

    private static void insertLive(Connection c, String agent, String code) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO cobrowse_session (id, code, state, agent_id, chat_id, site_id, tenant, mode, invite_id,
                                              visitor_credential_hash, created_at)
                VALUES (?, ?, 'WAITING', ?, 'chat', 'site', 'tenant-a', 'VIEW_ONLY', ?, ?, now())""")) {
            s.setObject(1, UUID.randomUUID());
            s.setString(2, code);
            s.setString(3, agent);
            s.setString(4, UUID.randomUUID().toString());
            s.setString(5, "0".repeat(64));
            s.executeUpdate();
        }
    }
}
