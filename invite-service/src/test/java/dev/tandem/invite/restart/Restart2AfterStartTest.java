package dev.tandem.invite.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The second half (see {@link Restart1BeforeStopTest}, which must run first: run the whole module or
 * both classes): a new instance publishes what the stopped one had only stored, once each and in order, and
 * expires the invite and the request that came due while it was down.
 */
@QuarkusTest
@TestProfile(Restart.B_AfterStart.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class Restart2AfterStartTest {

    @Inject
    ObjectMapper json;

    @Test
    void theNewInstancePublishesWhatTheOldOneStoredAndExpiresWhatCameDue() {
        String invite = System.getProperty(Restart.INVITE);
        String request = System.getProperty(Restart.REQUEST);
        assertNotNull(System.getProperty(Restart.STOPPED_AT),
                "Restart1BeforeStopTest must run (and pass) first, in the same JVM");

        try (InviteEventsTopic topic = InviteEventsTopic.fromBeginning(json)) {
            topic.awaitEvent(InviteEvent.InviteExpired.class, invite);
            topic.awaitEvent(InviteEvent.VisitorRequestExpired.class, request);
            List<Class<?>> aboutInvite = topic.readToEnd().stream().map(InviteEventsTopic.Received::event)
                    .filter(e -> e != null && e.aggregateId().equals(invite)).<Class<?>> map(Object::getClass).toList();
            assertEquals(List.of(InviteEvent.InviteCreated.class, InviteEvent.InviteExpired.class), aboutInvite,
                    "the stored InviteCreated published after the restart, then InviteExpired, each once");
            List<Class<?>> aboutRequest = topic.received().stream().map(InviteEventsTopic.Received::event)
                    .filter(e -> e != null && e.aggregateId().equals(request)).<Class<?>> map(Object::getClass)
                    .toList();
            assertEquals(List.of(InviteEvent.VisitorRequestCreated.class, InviteEvent.VisitorRequestExpired.class),
                    aboutRequest);
        }
        assertEquals("EXPIRED", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(invite))
                .getFirst().get("state"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Db.count(
                "SELECT count(*) FROM outbox_event WHERE payload LIKE ? OR payload LIKE ?",
                "%" + invite + "%", "%" + request + "%") == 0);
    }
}
