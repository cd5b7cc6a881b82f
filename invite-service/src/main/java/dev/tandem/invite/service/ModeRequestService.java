package dev.tandem.invite.service;

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
import dev.tandem.invite.ModeRequest;
import dev.tandem.invite.TrackedSession;
import dev.tandem.invite.config.InviteConfig;
import dev.tandem.invite.domain.InviteLifecycle.Answer;
import dev.tandem.invite.domain.InviteNotPendingException;
import dev.tandem.invite.domain.ModeChangePolicy;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.domain.VisitorCredential;
import dev.tandem.invite.repository.ModeRequestRepository;
import dev.tandem.invite.repository.TrackedSessionRepository;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Consent to go from view-only to shared during a session: the session's agent asks, the visitor (with the
 * credential of the invite or request that created the session) accepts or declines, or the request expires.
 * The answer is published as ModeChangeAnswered; session-service changes the mode on an accepted one.
 */
@ApplicationScoped
public class ModeRequestService {

    private final ModeRequestRepository requests;
    private final TrackedSessionRepository sessions;
    private final SiteDirectory sites;
    private final Outbox outbox;
    private final InviteConfig config;
    private final Clock clock;

    public ModeRequestService(ModeRequestRepository requests, TrackedSessionRepository sessions, SiteDirectory sites,
            Outbox outbox, InviteConfig config, Clock clock) {
        this.requests = requests;
        this.sessions = sessions;
        this.sites = sites;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    // ---- the session's agent ------------------------------------------------------------------

    public Uni<ModeRequest> request(String agentId, String tenant, String sessionId, Mode mode) {
        return requestInTransaction(agentId, tenant, sessionId, mode)
                .onFailure(f -> PendingConflicts.violates(f, ModeRequestRepository.ONE_PENDING_PER_SESSION))
                .recoverWithUni(() -> Uni.createFrom().failure(modeRequestPending(null)));
    }

    @WithTransaction
    Uni<ModeRequest> requestInTransaction(String agentId, String tenant, String sessionId, Mode mode) {
        Instant now = now();
        return ownSession(agentId, tenant, sessionId, mode)
                .call(session -> sites.rulesOf(session.getSiteId()).chain(rules -> {
                    String group = SiteRules.groupOrDefault(session.getAgentGroup());
                    return switch (rules == null ? SiteRules.Verdict.UNKNOWN_SITE : rules.check(tenant, group, mode)) {
                        case ALLOWED -> Uni.createFrom().voidItem();
                        // the site's config is gone or changed hands: nothing may be upgraded on it any more
                        case UNKNOWN_SITE, DISABLED ->
                                Uni.createFrom().failure(Problems.cobrowsingDisabled(session.getSiteId()));
                        case MODE_NOT_ALLOWED ->
                                Uni.createFrom().failure(Problems.modeNotAllowed(session.getSiteId(), group, mode));
                    };
                }))
                .call(session -> requests.lockPendingOfSession(sessionId)
                        .chain(pending -> pending == null ? Uni.createFrom().voidItem() : expireOrRefuse(pending, now)))
                .chain(session -> {
                    ModeRequest request = ModeRequest.open(UUID.randomUUID(), sessionId, tenant, agentId, mode, now,
                            config.modeRequests().expiry());
                    return requests.persist(request)
                            .call(() -> publish(request, InviteEvents.modeChangeRequested(request, now)))
                            .invoke(() -> Log.infof("mode change %s to %s requested in session %s by agent %s",
                                    request.getId(), mode, sessionId, agentId));
                });
    }

    /** One of the agent's own mode requests in its own session. */
    @WithSession
    /** One of the agent's requests; another agent's or tenant's is answered as if it did not exist. */
    public Uni<ModeRequest> find(String agentId, String tenant, String id) {
        UUID uuid = parse(id);
        Uni<ModeRequest> request = uuid == null ? Uni.createFrom().nullItem() : requests.findById(uuid);
        return request.chain(r -> r == null ? Uni.createFrom().<ModeRequest> nullItem()
                        : sessions.findById(r.getSessionId()).map(s -> s != null && agentId.equals(s.getAgentId())
                                && tenant.equals(s.getTenant()) ? r : null))
                .onItem().ifNull().failWith(Problems::modeRequestNotFound);
    }

    private Uni<TrackedSession> ownSession(String agentId, String tenant, String sessionId, Mode mode) {
        return sessions.findById(sessionId).chain(session -> {
            ModeChangePolicy.Verdict verdict = ModeChangePolicy.check(session == null ? null : session.facts(),
                    agentId, tenant, mode);
            return switch (verdict) {
                case ALLOWED -> Uni.createFrom().item(session);
                case NOT_FOUND -> Uni.createFrom().failure(Problems.sessionNotFound());
                case ENDED -> Uni.createFrom().failure(Problems.sessionEnded());
                case NOT_AN_UPGRADE -> Uni.createFrom().failure(Problems.validation("mode",
                        "only SHARED needs the visitor's consent; session-service goes back to VIEW_ONLY"));
                case ALREADY_IN_MODE -> Uni.createFrom().failure(ProblemException.conflict("mode-unchanged",
                        "the session is already " + mode));
            };
        });
    }

    private Uni<Void> expireOrRefuse(ModeRequest pending, Instant now) {
        if (pending.stateAt(now) == InviteState.PENDING) {
            return Uni.createFrom().failure(modeRequestPending(pending));
        }
        pending.close(now);
        return publish(pending, InviteEvents.modeChangeAnswered(pending, false, now)).call(requests::flush);
    }

    private static ProblemException modeRequestPending(ModeRequest pending) {
        return ProblemException.conflict("mode-request-pending", pending == null
                ? "the session got another mode change request at the same moment"
                : "mode change request " + pending.getId() + " waits for the visitor's answer until "
                        + pending.getExpiresAt());
    }

    // ---- visitor ------------------------------------------------------------------------------

    /** The most recent mode request of the session the visitor's credential created. */
    @WithSession
    public Uni<ModeRequest> latestForVisitor(String credential) {
        return sessionOfVisitor(credential)
                .chain(session -> requests.latestOfSession(session.getSessionId()))
                .onItem().ifNull().failWith(Problems::modeRequestNotFound);
    }

    /** The visitor's answer to the session's pending request; 409 mode-request-not-pending when there is none. */
    @WithTransaction
    public Uni<ModeRequest> answer(String credential, Answer answer) {
        Instant now = now();
        return sessionOfVisitor(credential).chain(session -> requests.lockPendingOfSession(session.getSessionId())
                .chain(pending -> {
                    if (pending == null) {
                        return requests.latestOfSession(session.getSessionId()).chain(latest -> Uni.createFrom()
                                .failure(latest == null ? Problems.modeRequestNotFound()
                                        : notPending(latest.stateAt(now))));
                    }
                    if (!session.isLive()) {
                        return Uni.createFrom().failure(Problems.sessionEnded());
                    }
                    try {
                        pending.answer(answer, now);
                    } catch (InviteNotPendingException e) {
                        return Uni.createFrom().failure(notPending(e.state()));
                    }
                    Log.infof("mode change %s %s by the visitor", pending.getId(), pending.getState());
                    return publish(pending, InviteEvents.modeChangeAnswered(pending, answer == Answer.ACCEPT, now))
                            .replaceWith(pending);
                }));
    }

    private Uni<TrackedSession> sessionOfVisitor(String credential) {
        if (!VisitorCredential.isWellFormed(credential)) {
            return Uni.createFrom().failure(Problems.modeRequestNotFound());
        }
        return sessions.findByVisitorCredentialHash(VisitorCredential.hashOf(credential))
                .onItem().ifNull().failWith(Problems::modeRequestNotFound);
    }

    private static ProblemException notPending(InviteState state) {
        return ProblemException.conflict("mode-request-not-pending", "the mode change request is " + state
                + " and can no longer be accepted or declined");
    }

    // ---- housekeeping -------------------------------------------------------------------------

    /** Expires due requests, publishing ModeChangeAnswered(accepted=false) for each. */
    @WithTransaction
    public Uni<Integer> expireDue() {
        Instant now = now();
        return requests.expireDue(now, config.sweeper().batchSize())
                .call(expired -> publishUnanswered(expired, now))
                .map(List::size)
                .invoke(count -> {
                    if (count > 0) {
                        Log.infof("%d mode change request(s) expired", count);
                    }
                });
    }

    /** The session ended: its pending request can no longer be answered. Runs in the consumer's transaction. */
    public Uni<Void> closeForEndedSession(String sessionId) {
        Instant now = now();
        return requests.lockAllPendingOfSession(sessionId)
                .invoke(pending -> pending.forEach(r -> r.close(now)))
                .chain(pending -> publishUnanswered(pending, now));
    }

    private Uni<Void> publishUnanswered(List<ModeRequest> closed, Instant now) {
        return Multi.createFrom().iterable(closed)
                .onItem().transformToUniAndConcatenate(r -> publish(r, InviteEvents.modeChangeAnswered(r, false, now)))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> publish(ModeRequest request, Event event) {
        return outbox.add(Topics.INVITE_EVENTS, request.getAgentId(), event);
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
