package dev.tandem.invite.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Requests;
import dev.tandem.invite.support.Sites;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The first half of two real restarts: "the service stops between the database write and the publish" and
 * "an invite comes due while no instance runs". This instance stores an invite and a visitor request (each
 * with its event in the outbox) and is then stopped with both still unpublished and pending;
 * {@link Restart2AfterStartTest} starts a new instance on the same database and broker.
 */
@QuarkusTest
@TestProfile(Restart.A_BeforeStop.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class Restart1BeforeStopTest {

    @Inject
    ObjectMapper json;

    @Test
    void storesAnInviteAndARequestWhoseEventsAreNotYetPublished() {
        Sites.defaults();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String invite = Invites.create("chat-a", Invites.newAgent()).path("id");
            String request = Requests.create().path("id");
            for (String id : List.of(invite, request)) {
                assertEquals(1, Db.count("SELECT count(*) FROM outbox_event WHERE payload LIKE ?", "%" + id + "%"),
                        "the event is committed with the change, in the outbox");
            }
            // Both come due while this instance still runs; without a sweeper nothing moves them on.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                    "SELECT count(*) FROM invite WHERE id = ? AND expires_at < now()", UUID.fromString(invite)) == 1);
            assertTrue(topic.readToEnd().stream().noneMatch(r -> r.value().contains(invite)
                    || r.value().contains(request)), "nothing is published by this instance");
            System.setProperty(Restart.INVITE, invite);
            System.setProperty(Restart.REQUEST, request);
        }
    }

    @AfterAll
    static void bothAreStillPendingAndUnpublishedWhenThisInstanceStops() {
        String invite = System.getProperty(Restart.INVITE);
        if (invite == null) {
            return; // the test above failed and says why
        }
        assertEquals("PENDING", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(invite))
                .getFirst().get("state"));
        assertEquals(2, Db.count("SELECT count(*) FROM outbox_event WHERE payload LIKE ? OR payload LIKE ?",
                "%" + invite + "%", "%" + System.getProperty(Restart.REQUEST) + "%"));
        System.setProperty(Restart.STOPPED_AT, Instant.now().toString());
    }
}
