package dev.tandem.invite.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Requests;
import dev.tandem.invite.support.Sites;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * "The service stops between the database write and the publish": with the outbox relay and the expiry sweeper
 * held (paused), the state change and its event are committed together and nothing reaches Kafka; the only
 * thing that carries the event on is the database. Once the jobs run again (as they do in a freshly started
 * instance: neither keeps anything in memory) the stored event is published to the real broker exactly once,
 * and the invite and request that came due in the meantime are expired.
 * <p>
 * A real process restart cannot be had inside one test JVM here: each test profile gets its own class loader
 * and so its own embedded Kafka and PostgreSQL from TandemInfraResource.
 */
@QuarkusTest
@TestProfile(ExpiryTest.ShortExpiry.class) // two-second expiries; the same instance as ExpiryTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class StopBeforePublishTest {

    static final String RELAY = "outbox-relay";
    static final String SWEEPER = "invite-expiry-sweeper";

    @Inject
    ObjectMapper json;

    @Inject
    Scheduler scheduler;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @AfterEach
    void runAgain() {
        scheduler.resume(RELAY);
        scheduler.resume(SWEEPER);
    }

    @Test
    void anEventStoredBeforeAStopIsPublishedAfterwardsAndWhatCameDueMeanwhileExpires() {
        scheduler.pause(RELAY);
        scheduler.pause(SWEEPER);
        assertTrue(scheduler.isPaused(RELAY) && scheduler.isPaused(SWEEPER));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Db.count("SELECT count(*) FROM outbox_event") == 0); // a run in flight has finished

        String invite;
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            invite = Invites.create("chat-a", Invites.newAgent()).path("id");
            String request = Requests.create().path("id");
            for (String id : List.of(invite, request)) {
                assertEquals(1, Db.count("SELECT count(*) FROM outbox_event WHERE payload LIKE ?", "%" + id + "%"),
                        "the event waits in the outbox, committed with the change");
            }
            // both come due while nothing runs; nothing has been published
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                    "SELECT count(*) FROM invite WHERE id = ? AND expires_at < now()", UUID.fromString(invite)) == 1);
            assertTrue(topic.readToEnd().stream().noneMatch(r -> r.value().contains(invite)
                    || r.value().contains(request)), "nothing published while stopped");
            assertEquals("PENDING", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(invite))
                    .getFirst().get("state"));

            scheduler.resume(RELAY);
            scheduler.resume(SWEEPER);

            topic.awaitEvent(InviteEvent.InviteCreated.class, invite);
            topic.awaitEvent(InviteEvent.VisitorRequestCreated.class, request);
            topic.awaitEvent(InviteEvent.InviteExpired.class, invite);
            topic.awaitEvent(InviteEvent.VisitorRequestExpired.class, request);
            List<Class<?>> aboutInvite = topic.readToEnd().stream().map(InviteEventsTopic.Received::event)
                    .filter(e -> e != null && e.aggregateId().equals(invite)).<Class<?>> map(Object::getClass).toList();
            assertEquals(List.of(InviteEvent.InviteCreated.class, InviteEvent.InviteExpired.class), aboutInvite,
                    "each published once, in order");
        }
        assertEquals("EXPIRED", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(invite))
                .getFirst().get("state"));
    }
}
