package dev.tandem.invite.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.Event;
import dev.tandem.contracts.Mode;
import dev.tandem.contracts.Topics;
import dev.tandem.invite.Invite;
import dev.tandem.invite.InviteState;
import dev.tandem.invite.config.InviteConfig;
import dev.tandem.invite.domain.InviteLifecycle.Answer;
import dev.tandem.invite.domain.InviteNotPendingException;
import dev.tandem.invite.domain.VisitorCredential;
import dev.tandem.invite.messaging.KafkaAvailability;
import dev.tandem.invite.repository.IdempotencyKeys;
import dev.tandem.invite.repository.InviteRepository;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What can be done with invites. Every state change and the event that tells about it are stored in
 * one transaction (the outbox), so an event is published if and only if the change happened.
 */
@ApplicationScoped
public class InviteService {

    /** What a chat platform asks for. */
    public record NewInvite(String agentId, String agentGroup, String chatId, String siteId, Mode mode,
            String message) {

        /** SHA-256 of the request's fields: a retry with the same Idempotency-Key must ask for the same thing. */
        String fingerprint() {
            String canonical = String.join("\n", agentId, agentGroup, chatId, siteId, mode.name(),
                    message == null ? "\u0000" : "m" + message);
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }
    }

    /**
     * The answer to a create: the invite and, only when this very request created it, the visitor's
     * credential. A request replayed through its Idempotency-Key gets the invite without the credential
     * (which is not stored anywhere and so cannot be shown again).
     */
    public record Created(Invite invite, String credential, boolean replayed) {

        @Override
        public String toString() {
            return "Created[invite=" + invite.getId() + ", replayed=" + replayed + "]";
        }
    }

    private final InviteRepository invites;
    private final IdempotencyKeys idempotencyKeys;
    private final Outbox outbox;
    private final InviteConfig config;
    private final Clock clock;
    private final SecureRandom random;
    private final Admission admission;
    private final KafkaAvailability kafka;

    public InviteService(InviteRepository invites, IdempotencyKeys idempotencyKeys, Outbox outbox,
            InviteConfig config, Clock clock, SecureRandom random, Admission admission, KafkaAvailability kafka) {
        this.admission = admission;
        this.kafka = kafka;
        this.invites = invites;
        this.idempotencyKeys = idempotencyKeys;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.random = random;
    }

    // ---- chat platform ------------------------------------------------------------------------

    /**
     * Creates a pending invite for {@code tenant}, or with an {@code idempotencyKey} the tenant used
     * before, returns the invite that key created. A second pending invite for an agent is refused
     * with 409 invite-pending, also when two requests race: the database's unique index decides.
     */
    public Uni<Created> create(String tenant, NewInvite request, String idempotencyKey) {
        if (!kafka.available()) {
            return Uni.createFrom().failure(Problems.eventsUnavailable(kafka.retryAfter()));
        }
        return createInTransaction(tenant, request, idempotencyKey)
                .onFailure(PendingConflicts::isSecondPendingInvite)
                .recoverWithUni(() -> refuseSecondPending(tenant, request.agentId()));
    }

    @WithTransaction
    Uni<Created> createInTransaction(String tenant, NewInvite request, String idempotencyKey) {
        Instant now = now();
        UUID id = UUID.randomUUID();
        if (idempotencyKey == null) {
            return open(id, tenant, request, now);
        }
        String fingerprint = request.fingerprint();
        return idempotencyKeys.claim(tenant, idempotencyKey, fingerprint, id, now)
                .chain(claimed -> claimed
                        ? open(id, tenant, request, now)
                        : replay(tenant, idempotencyKey, fingerprint));
    }

    private Uni<Created> open(UUID id, String tenant, NewInvite request, Instant now) {
        return admission.check(tenant, request.siteId(), request.agentGroup(), request.mode(), request.agentId())
                .chain(() -> invites.lockPendingOfAgent(request.agentId()))
                .chain(pending -> pending == null ? Uni.createFrom().voidItem() : expireOrRefuse(pending, tenant, now))
                .chain(() -> {
                    VisitorCredential credential = VisitorCredential.issue(random);
                    Invite invite = Invite.open(id, tenant, request.agentId(), request.agentGroup(), request.chatId(),
                            request.siteId(),
                            request.mode(), request.message(), credential.hash(), now, config.expiry());
                    return invites.persist(invite)
                            .call(() -> publish(invite, InviteEvents.created(invite, now)))
                            .invoke(() -> Log.infof("invite %s created for agent %s (chat %s, site %s, %s) by %s",
                                    invite.getId(), invite.getAgentId(), invite.getChatId(), invite.getSiteId(),
                                    invite.getMode(), tenant))
                            .map(ignored -> new Created(invite, credential.value(), false));
                });
    }

    /**
     * The agent already has a pending invite: if its time is up (the sweeper has not got to it yet) it
     * expires now, and the new one may follow; otherwise the new one is refused.
     */
    private Uni<Void> expireOrRefuse(Invite pending, String tenant, Instant now) {
        if (pending.stateAt(now) == InviteState.PENDING) {
            return Uni.createFrom().failure(pendingProblem(pending, tenant));
        }
        pending.expire(now);
        // flushed before the new invite's INSERT, which the unique index would otherwise refuse
        return publish(pending, InviteEvents.expired(pending, now)).call(invites::flush);
    }

    private Uni<Created> replay(String tenant, String idempotencyKey, String fingerprint) {
        return idempotencyKeys.find(tenant, idempotencyKey).chain(used -> {
            if (used == null) {
                // forgotten by the retention clean-up between our insert and this read: vanishingly rare
                return Uni.createFrom().failure(new ProblemException(409, "idempotency-key-in-use",
                        "Conflict", "the Idempotency-Key was being released; send the request again"));
            }
            if (!used.requestFingerprint().equals(fingerprint)) {
                return Uni.createFrom().failure(new ProblemException(422, "idempotency-key-reused",
                        "Idempotency-Key reused", "this Idempotency-Key was used for a different request; "
                                + "use a new key for a new invite"));
            }
            return invites.findById(used.inviteId()).map(invite -> {
                Log.debugf("invite %s returned again for its Idempotency-Key", invite.getId());
                return new Created(invite, null, true);
            });
        });
    }

    @WithSession
    Uni<Created> refuseSecondPending(String tenant, String agentId) {
        return invites.findPendingOfAgent(agentId).chain(pending -> Uni.createFrom().failure(pending != null
                ? pendingProblem(pending, tenant)
                : new ProblemException(409, "invite-pending", "Invite pending",
                        "agent " + agentId + " got another pending invite at the same moment")));
    }

    /**
     * 409 invite-pending. The existing invite's id is named only to the tenant that created it: another
     * chat platform could not read it anyway.
     */
    private static ProblemException pendingProblem(Invite pending, String tenant) {
        String detail = pending.getTenant().equals(tenant)
                ? "agent " + pending.getAgentId() + " already has pending invite " + pending.getId()
                        + " until " + pending.getExpiresAt() + "; wait for the visitor's answer or its expiry"
                : "agent " + pending.getAgentId() + " already has a pending invite from another chat platform "
                        + "until " + pending.getExpiresAt() + "; wait for its answer or its expiry";
        return new ProblemException(409, "invite-pending", "Invite pending", detail);
    }

    /** The tenant's invite; another tenant's invite is as missing as an unknown one. */
    @WithSession
    public Uni<Invite> findForTenant(String tenant, String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(inviteNotFound());
        }
        return invites.findById(uuid)
                .map(invite -> invite != null && invite.getTenant().equals(tenant) ? invite : null)
                .onItem().ifNull().failWith(InviteService::inviteNotFound);
    }

    // ---- visitor ------------------------------------------------------------------------------

    /** The invite the credential belongs to; 404 invite-not-found for a missing, malformed or unknown one. */
    @WithSession
    public Uni<Invite> findForVisitor(String credential) {
        if (!VisitorCredential.isWellFormed(credential)) {
            return Uni.createFrom().failure(inviteNotFound());
        }
        return invites.findByCredentialHash(VisitorCredential.hashOf(credential))
                .onItem().ifNull().failWith(InviteService::inviteNotFound);
    }

    /**
     * The visitor's answer. Only a pending invite within its time can be answered; otherwise 409
     * invite-not-pending and nothing changes (the transaction rolls back, no event is stored).
     */
    @WithTransaction
    public Uni<Invite> answer(String credential, Answer answer) {
        if (!VisitorCredential.isWellFormed(credential)) {
            return Uni.createFrom().failure(inviteNotFound());
        }
        return invites.lockByCredentialHash(VisitorCredential.hashOf(credential))
                .onItem().ifNull().failWith(InviteService::inviteNotFound)
                .chain(invite -> {
                    Instant now = now();
                    try {
                        invite.answer(answer, now);
                    } catch (InviteNotPendingException e) {
                        return Uni.createFrom().failure(new ProblemException(409, "invite-not-pending",
                                "Invite not pending", "the invite is " + e.state()
                                        + " and can no longer be accepted or declined"));
                    }
                    Event event = answer == Answer.ACCEPT
                            ? InviteEvents.accepted(invite, now)
                            : InviteEvents.rejected(invite, now);
                    Log.infof("invite %s %s by the visitor", invite.getId(), invite.getState());
                    return publish(invite, event).replaceWith(invite);
                });
    }

    // ---- housekeeping -------------------------------------------------------------------------

    /** Expires one batch of pending invites whose time is up, publishing InviteExpired for each. */
    @WithTransaction
    public Uni<Integer> expireDue() {
        Instant now = now();
        return invites.expireDue(now, config.sweeper().batchSize())
                .chain(expired -> publishAll(expired, now).replaceWith(expired.size()))
                .invoke(count -> {
                    if (count > 0) {
                        Log.infof("%d invite(s) expired", count);
                    }
                });
    }

    /** Forgets Idempotency-Keys older than {@code invite.idempotency.retention}. */
    @WithTransaction
    public Uni<Integer> forgetOldIdempotencyKeys() {
        return idempotencyKeys.forgetOlderThan(now().minus(config.idempotency().retention()),
                config.sweeper().batchSize());
    }

    private Uni<Void> publishAll(List<Invite> expired, Instant now) {
        if (expired.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(expired)
                .onItem().transformToUniAndConcatenate(invite -> publish(invite, InviteEvents.expired(invite, now)))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> publish(Invite invite, Event event) {
        return outbox.add(Topics.INVITE_EVENTS, invite.getAgentId(), event);
    }

    static ProblemException inviteNotFound() {
        return ProblemException.notFound("invite-not-found", "no invite is known for this request");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
