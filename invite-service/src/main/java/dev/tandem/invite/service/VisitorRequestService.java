package dev.tandem.invite.service;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.Event;
import dev.tandem.contracts.Mode;
import dev.tandem.contracts.Topics;
import dev.tandem.invite.InviteState;
import dev.tandem.invite.VisitorRequest;
import dev.tandem.invite.config.InviteConfig;
import dev.tandem.invite.domain.InviteNotPendingException;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.domain.VisitorCredential;
import dev.tandem.invite.messaging.KafkaAvailability;
import dev.tandem.invite.repository.ChatCredentials;
import dev.tandem.invite.repository.InviteRepository;
import dev.tandem.invite.repository.VisitorRequestRepository;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Visitor-initiated requests for help. A chat platform issues a chat credential for a chat; the visitor's page
 * uses it to ask for help (one pending request per chat); the chat platform (for an agent) or an agent itself
 * picks the request up, under the same rules as an invite; an unanswered request expires.
 */
@ApplicationScoped
public class VisitorRequestService {

    /** A chat credential just issued (the credential is shown once and not stored). */
    public record IssuedChatCredential(String chatId, String siteId, String credential, Instant expiresAt) {

        @Override
        public String toString() {
            return "IssuedChatCredential[chat=" + chatId + ", hidden]";
        }
    }

    /** A request just created, with the visitor's per-request credential (shown once). */
    public record Created(VisitorRequest request, String credential) {

        @Override
        public String toString() {
            return "Created[request=" + request.getId() + ", hidden]";
        }
    }

    /** Who picks a request up, for which agent, in which group and mode. */
    public record Pickup(String agentId, String agentGroup, Mode mode) {
    }

    private final VisitorRequestRepository requests;
    private final ChatCredentials chatCredentials;
    private final InviteRepository invites;
    private final Admission admission;
    private final SiteDirectory sites;
    private final Outbox outbox;
    private final InviteConfig config;
    private final Clock clock;
    private final SecureRandom random;

    private final KafkaAvailability kafka;

    public VisitorRequestService(VisitorRequestRepository requests, ChatCredentials chatCredentials,
            InviteRepository invites, Admission admission, SiteDirectory sites, Outbox outbox, InviteConfig config,
            Clock clock, SecureRandom random, KafkaAvailability kafka) {
        this.kafka = kafka;
        this.requests = requests;
        this.chatCredentials = chatCredentials;
        this.invites = invites;
        this.admission = admission;
        this.sites = sites;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    // ---- chat platform: the chat credential ---------------------------------------------------

    /** Issues the credential of a chat on one of the tenant's sites; a new one replaces the chat's old one. */
    @WithTransaction
    public Uni<IssuedChatCredential> issueChatCredential(String tenant, String chatId, String siteId) {
        Instant now = now();
        return sites.rulesOf(siteId).chain(rules -> {
            if (rules == null || rules.check(tenant, SiteRules.DEFAULT_GROUP, Mode.VIEW_ONLY)
                    == SiteRules.Verdict.UNKNOWN_SITE) {
                return Uni.createFrom().failure(Problems.siteNotFound(siteId));
            }
            if (!rules.enabled()) {
                return Uni.createFrom().failure(Problems.cobrowsingDisabled(siteId));
            }
            VisitorCredential credential = VisitorCredential.issue(random);
            Instant expiresAt = now.plus(config.requests().chatCredentialLifetime());
            return chatCredentials.put(tenant, chatId, siteId, credential.hash(), now, expiresAt)
                    .invoke(() -> Log.infof("chat credential issued for chat %s (site %s) by %s", chatId, siteId,
                            tenant))
                    .replaceWith(new IssuedChatCredential(chatId, siteId, credential.value(), expiresAt));
        });
    }

    // ---- visitor ------------------------------------------------------------------------------

    /** The visitor asks for help with the chat credential. */
    public Uni<Created> create(String chatCredential) {
        if (!kafka.available()) {
            return Uni.createFrom().failure(Problems.eventsUnavailable(kafka.retryAfter()));
        }
        return createInTransaction(chatCredential)
                .onFailure(f -> PendingConflicts.violates(f, VisitorRequestRepository.ONE_PENDING_PER_CHAT))
                .recoverWithUni(() -> Uni.createFrom().failure(requestPending(null)));
    }

    @WithTransaction
    Uni<Created> createInTransaction(String chatCredential) {
        if (!VisitorCredential.isWellFormed(chatCredential)) {
            return Uni.createFrom().failure(Problems.chatNotFound());
        }
        Instant now = now();
        return chatCredentials.find(VisitorCredential.hashOf(chatCredential)).chain(chat -> {
            if (chat == null || !now.isBefore(chat.expiresAt())) {
                return Uni.createFrom().failure(Problems.chatNotFound());
            }
            return sites.rulesOf(chat.siteId())
                    .chain(rules -> rules == null || !rules.tenant().equals(chat.tenant()) || !rules.enabled()
                            ? Uni.createFrom().failure(Problems.cobrowsingDisabled(chat.siteId()))
                            : Uni.createFrom().voidItem())
                    .chain(() -> requests.lockPendingOfChat(chat.tenant(), chat.chatId()))
                    .chain(pending -> pending == null ? Uni.createFrom().voidItem() : expireOrRefuse(pending, now))
                    .chain(() -> {
                        VisitorCredential credential = VisitorCredential.issue(random);
                        VisitorRequest request = VisitorRequest.open(UUID.randomUUID(), chat.tenant(), chat.chatId(),
                                chat.siteId(), credential.hash(), now, config.requests().expiry());
                        return requests.persist(request)
                                .call(() -> publish(request, InviteEvents.requestCreated(request, now)))
                                .invoke(() -> Log.infof("visitor request %s created in chat %s (site %s)",
                                        request.getId(), request.getChatId(), request.getSiteId()))
                                .map(ignored -> new Created(request, credential.value()));
                    });
        });
    }

    private Uni<Void> expireOrRefuse(VisitorRequest pending, Instant now) {
        if (pending.stateAt(now) == InviteState.PENDING) {
            return Uni.createFrom().failure(requestPending(pending));
        }
        pending.expire(now);
        return publish(pending, InviteEvents.requestExpired(pending, now)).call(requests::flush);
    }

    private static ProblemException requestPending(VisitorRequest pending) {
        return ProblemException.conflict("request-pending", pending == null
                ? "this chat got another pending request at the same moment"
                : "this chat already has a pending request until " + pending.getExpiresAt()
                        + "; wait until an agent picks it up or it expires");
    }

    /** The request the visitor's per-request credential belongs to; 404 request-not-found otherwise. */
    @WithSession
    public Uni<VisitorRequest> findForVisitor(String credential) {
        if (!VisitorCredential.isWellFormed(credential)) {
            return Uni.createFrom().failure(Problems.requestNotFound());
        }
        return requests.findByCredentialHash(VisitorCredential.hashOf(credential))
                .onItem().ifNull().failWith(Problems::requestNotFound);
    }

    // ---- chat platform and agents -------------------------------------------------------------

    /**
     * The tenant's requests in {@code state}, oldest first. PENDING lists what can still be picked up (one past
     * its expiry that the sweeper has not reached yet is left out).
     */
    @WithSession
    public Uni<List<VisitorRequest>> list(String tenant, InviteState state) {
        Instant now = now();
        return requests.listOfTenant(tenant, state, config.requests().listLimit())
                .map(found -> found.stream().filter(r -> r.stateAt(now) == state).toList());
    }

    @WithSession
    public Uni<VisitorRequest> findForTenant(String tenant, String id) {
        UUID uuid = parse(id);
        if (uuid == null) {
            return Uni.createFrom().failure(Problems.requestNotFound());
        }
        return requests.findById(uuid)
                .map(r -> r != null && r.getTenant().equals(tenant) ? r : null)
                .onItem().ifNull().failWith(Problems::requestNotFound);
    }

    /**
     * Picks up a pending request for an agent: the site must still be the tenant's with co-browsing on, the mode
     * allowed for the agent group, the agent neither in a live session nor waiting for an invite's answer.
     */
    @WithTransaction
    public Uni<VisitorRequest> accept(String tenant, String id, Pickup pickup) {
        UUID uuid = parse(id);
        if (uuid == null) {
            return Uni.createFrom().failure(Problems.requestNotFound());
        }
        Instant now = now();
        return requests.lockById(uuid)
                .map(r -> r != null && r.getTenant().equals(tenant) ? r : null)
                .onItem().ifNull().failWith(Problems::requestNotFound)
                .call(request -> request.stateAt(now) == InviteState.PENDING ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(requestNotPending(request.stateAt(now))))
                .call(request -> admission.check(tenant, request.getSiteId(), pickup.agentGroup(), pickup.mode(),
                        pickup.agentId()))
                .call(request -> invites.findPendingOfAgent(pickup.agentId()).chain(invite ->
                        invite != null && invite.stateAt(now) == InviteState.PENDING
                                ? Uni.createFrom().failure(ProblemException.conflict("invite-pending", "agent "
                                        + pickup.agentId() + " has a pending invite until " + invite.getExpiresAt()
                                        + "; wait for its answer or its expiry"))
                                : Uni.createFrom().voidItem()))
                .chain(request -> {
                    try {
                        request.accept(pickup.agentId(), pickup.agentGroup(), pickup.mode(), now);
                    } catch (InviteNotPendingException e) {
                        return Uni.createFrom().failure(requestNotPending(e.state()));
                    }
                    Log.infof("visitor request %s picked up by agent %s (%s)", request.getId(), request.getAgentId(),
                            request.getMode());
                    return publish(request, InviteEvents.requestAccepted(request, now)).replaceWith(request);
                });
    }

    private static ProblemException requestNotPending(InviteState state) {
        return ProblemException.conflict("request-not-pending", "the request is " + state
                + " and can no longer be picked up");
    }

    // ---- housekeeping -------------------------------------------------------------------------

    @WithTransaction
    public Uni<Integer> expireDue() {
        Instant now = now();
        return requests.expireDue(now, config.sweeper().batchSize())
                .call(expired -> Multi.createFrom().iterable(expired)
                        .onItem().transformToUniAndConcatenate(r -> publish(r, InviteEvents.requestExpired(r, now)))
                        .collect().last())
                .map(List::size)
                .invoke(count -> {
                    if (count > 0) {
                        Log.infof("%d visitor request(s) expired", count);
                    }
                });
    }

    @WithTransaction
    public Uni<Integer> forgetExpiredChatCredentials() {
        return chatCredentials.forgetExpired(now(), config.sweeper().batchSize());
    }

    private Uni<Void> publish(VisitorRequest request, Event event) {
        return outbox.add(Topics.INVITE_EVENTS, InviteEvents.keyOf(request), event);
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
