package dev.tandem.session.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.GatewayEvent;
import dev.tandem.contracts.InviteEvent.ModeChangeAnswered;
import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.contracts.Topics;
import dev.tandem.platform.messaging.ProcessedEvents;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.AuditEntry;
import dev.tandem.session.CobrowseSession;
import dev.tandem.session.SessionOrigin;
import dev.tandem.session.config.SessionConfig;
import dev.tandem.session.domain.DisplayCode;
import dev.tandem.session.domain.ModePolicy;
import dev.tandem.session.domain.SessionChange;
import dev.tandem.session.domain.SessionDurations;
import dev.tandem.session.domain.SessionLifecycle;
import dev.tandem.session.domain.Timeouts;
import dev.tandem.session.domain.VisitorCredential;
import dev.tandem.session.repository.AuditRepository;
import dev.tandem.session.repository.SessionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * The session lifecycle: opening a session for an accepted invite or visitor request, applying what the
 * gateways, invite-service and the chat platform report, timeouts, ending, join tokens, and the audit trail.
 * Every state change, the events that describe it (through the outbox, keyed by session id) and its audit
 * entries are committed together.
 */
@ApplicationScoped
public class SessionService {

    /** Names under which the consumers record the events they applied. */
    public static final String INVITE_EVENTS_CONSUMER = "session-service.invite-events";
    public static final String GATEWAY_EVENTS_CONSUMER = "session-service.gateway-events";
    public static final String CHAT_EVENTS_CONSUMER = "session-service.chat-events";

    /** At most this many sessions in one list answer. */
    public static final int LIST_LIMIT = 200;

    private final SessionRepository sessions;
    private final AuditRepository audit;
    private final ProcessedEvents processedEvents;
    private final Outbox outbox;
    private final DisplayCodes codes;
    private final JoinTokens joinTokens;
    private final SessionConfig config;

    public SessionService(SessionRepository sessions, AuditRepository audit, ProcessedEvents processedEvents,
            Outbox outbox, DisplayCodes codes, JoinTokens joinTokens, SessionConfig config) {
        this.sessions = sessions;
        this.audit = audit;
        this.processedEvents = processedEvents;
        this.outbox = outbox;
        this.codes = codes;
        this.joinTokens = joinTokens;
        this.config = config;
    }

    Timeouts timeouts() {
        SessionConfig.Timeouts t = config.timeouts();
        return new Timeouts(t.joinWindow(), t.inactivity(), t.agentAwayGrace(), t.visitorAwayGrace());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Opening

    /**
     * An invite the visitor accepted, or a visitor request an agent took: what a session is opened for.
     * {@code inviteId} is the invite's or the request's id (the event's aggregate id).
     */
    public record Acceptance(UUID eventId, String inviteId, String agentId, String chatId, String siteId,
            String tenant, Mode mode, String visitorCredentialHash, SessionOrigin origin) {
    }

    /** What became of an acceptance. */
    public enum OpenOutcome {
        /** A session was opened and SessionCreated recorded. */
        OPENED,
        /** This event, or another one for the same invite, was applied before: nothing changed. */
        ALREADY_APPLIED,
        /**
         * The agent has a live session already: no second one was opened; the refusal is recorded so that the
         * visitor's tag is answered 409 agent-busy.
         */
        AGENT_HAS_LIVE_SESSION
    }

    public record OpenResult(OpenOutcome outcome, UUID sessionId) {
    }

    /**
     * Opens a session for an acceptance: a random id, a display code unique among live sessions, and
     * SessionCreated in the same transaction. Idempotent per event id and per invite. The database refuses a
     * second live session for the agent and a display code already in use; such a refusal fails this call
     * (see {@link #isLiveSessionConflict}) and the caller runs it again in a new transaction, which then
     * sees the agent's session (and records the refusal) or draws another code.
     */
    @WithTransaction
    public Uni<OpenResult> open(Acceptance acceptance) {
        return processedEvents.firstTime(acceptance.eventId(), INVITE_EVENTS_CONSUMER).chain(first -> {
            if (!first) {
                return Uni.createFrom().item(new OpenResult(OpenOutcome.ALREADY_APPLIED, null));
            }
            return sessions.findByInvite(acceptance.inviteId()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().item(new OpenResult(OpenOutcome.ALREADY_APPLIED, existing.id()));
                }
                return sessions.findLiveByAgent(acceptance.agentId()).chain(live -> {
                    if (live != null) {
                        return refuse(acceptance, live);
                    }
                    return openNew(acceptance);
                });
            });
        });
    }

    private Uni<OpenResult> refuse(Acceptance a, CobrowseSession live) {
        Log.infof("%s %s accepted while agent %s is in live session %s: no second session opened (agent-busy)",
                a.origin() == SessionOrigin.INVITE ? "invite" : "visitor request", a.inviteId(), a.agentId(),
                live.id());
        return sessions.recordRefusedOpening(a.inviteId(), a.visitorCredentialHash(), a.agentId(), a.chatId(),
                a.tenant(), live.id(), Instant.now())
                .replaceWith(new OpenResult(OpenOutcome.AGENT_HAS_LIVE_SESSION, live.id()));
    }

    private Uni<OpenResult> openNew(Acceptance a) {
        Instant now = Instant.now();
        CobrowseSession session = CobrowseSession.open(UUID.randomUUID(), codes.next(),
                new CobrowseSession.Terms(a.agentId(), a.chatId(), a.siteId(), a.tenant(), a.mode(), a.inviteId(),
                        a.visitorCredentialHash(), a.origin()),
                now, timeouts());
        SessionEvent created = new SessionEvent.SessionCreated(UUID.randomUUID(), now, session.id().toString(),
                session.agentId(), session.chatId(), session.siteId(), session.tenant(), session.mode(),
                session.inviteId());
        return sessions.persistAndFlush(session)
                .chain(() -> outbox.add(Topics.SESSION_EVENTS, session.id().toString(), created))
                .chain(() -> audit.persist(AuditEntry.created(session.id(), now, session.mode(), session.origin())))
                .invoke(() -> Log.infof("session %s opened for %s %s (agent %s)", session.id(),
                        a.origin() == SessionOrigin.INVITE ? "invite" : "visitor request", session.inviteId(),
                        session.agentId()))
                .replaceWith(new OpenResult(OpenOutcome.OPENED, session.id()));
    }

    /**
     * Whether {@code failure} is the database refusing a second live session for an agent, a display code in
     * use by a live session, or a second session for an invite: worth trying the whole transaction again.
     */
    public static boolean isLiveSessionConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return isOurUniqueIndex(pg.getConstraint());
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException cve
                    && isOurUniqueIndex(cve.getConstraintName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOurUniqueIndex(String name) {
        return name != null && List.of("cobrowse_session_live_agent", "cobrowse_session_live_code",
                "cobrowse_session_invite").contains(name);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events from the gateways, invite-service and the chat platform

    /**
     * Applies what a gateway reported about session {@code sessionId}: a party connected or disconnected,
     * asked to end the session, was active, opened a page, or had a message refused. Idempotent per event id;
     * the lifecycle makes repeated reports harmless too.
     */
    @WithTransaction
    public Uni<Void> applyGatewayEvent(UUID sessionId, GatewayEvent event) {
        return processedEvents.firstTime(event.id(), GATEWAY_EVENTS_CONSUMER).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return sessions.findForUpdate(sessionId).chain(session -> {
                if (session == null) {
                    Log.warnf("gateway event %s (%s) is about unknown session %s: ignored", event.id(),
                            event.getClass().getSimpleName(), sessionId);
                    return Uni.createFrom().voidItem();
                }
                Instant now = Instant.now();
                Timeouts timeouts = timeouts();
                return switch (event) {
                    case GatewayEvent.Connected c -> publish(session, session.connected(c.role(), now, timeouts), now);
                    case GatewayEvent.Disconnected d ->
                        publish(session, session.disconnected(d.role(), now, timeouts), now);
                    case GatewayEvent.EndRequested e when e.role() == Role.OBSERVER -> {
                        Log.warnf("gateway event %s: an observer asked to end session %s; observers cannot end "
                                + "sessions", e.id(), sessionId);
                        yield Uni.createFrom().voidItem();
                    }
                    case GatewayEvent.EndRequested e ->
                        publish(session, session.end(SessionLifecycle.endReasonFor(e.role()), now), now);
                    case GatewayEvent.Activity a -> {
                        session.activity(now, timeouts);
                        yield Uni.createFrom().voidItem();
                    }
                    case GatewayEvent.PageVisited p -> {
                        // a page visit is activity too; and it is the only thing kept of the page: its address
                        session.activity(now, timeouts);
                        yield session.isLive() && p.url() != null
                                ? audit.persist(AuditEntry.pageVisited(session.id(), now, p.url())).replaceWithVoid()
                                : Uni.createFrom().voidItem();
                    }
                    case GatewayEvent.ActionRefused r -> session.isLive()
                            ? audit.persist(AuditEntry.actionRefused(session.id(), now, r.role(), r.messageType(),
                                    r.reason())).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                };
            });
        });
    }

    /**
     * The visitor answered a mode-change request (through invite-service): an accepted answer sets the
     * session's mode and publishes ModeChanged. A refused answer, a repeated one, one for the mode the session
     * is in already, and one for an ended session change nothing.
     */
    @WithTransaction
    public Uni<Void> applyModeAnswer(ModeChangeAnswered answer, UUID sessionId) {
        return processedEvents.firstTime(answer.id(), INVITE_EVENTS_CONSUMER).chain(first -> {
            if (!first || !answer.accepted()) {
                return Uni.createFrom().voidItem();
            }
            return sessions.findForUpdate(sessionId).chain(session -> {
                if (session == null) {
                    Log.warnf("ModeChangeAnswered %s is about unknown session %s: ignored", answer.id(), sessionId);
                    return Uni.createFrom().voidItem();
                }
                if (answer.agentId() != null && !session.belongsTo(answer.agentId())) {
                    Log.warnf("ModeChangeAnswered %s names agent %s, but session %s is another agent's: ignored",
                            answer.id(), answer.agentId(), sessionId);
                    return Uni.createFrom().voidItem();
                }
                if (!ModePolicy.consentChanges(session.mode(), answer.mode(), true)) {
                    return Uni.createFrom().voidItem();
                }
                return changeMode(session, answer.mode(), "VISITOR_CONSENT");
            });
        });
    }

    /**
     * The chat ended: its live sessions end with CHAT_ENDED. From {@code tandem.chat-events} ({@code eventId}
     * set: idempotent per event, any tenant) or from a chat platform's webhook ({@code eventId} null: only
     * that {@code tenant}'s sessions). Ending an ended session changes nothing, so repeating it is harmless.
     *
     * @return how many sessions ended now
     */
    @WithTransaction
    public Uni<Integer> endChat(UUID eventId, String chatId, String tenant) {
        Uni<Boolean> first = eventId == null ? Uni.createFrom().item(true)
                : processedEvents.firstTime(eventId, CHAT_EVENTS_CONSUMER);
        return first.chain(isFirst -> {
            if (!isFirst) {
                return Uni.createFrom().item(0);
            }
            return sessions.lockLiveByChat(chatId, tenant).chain(live -> {
                Instant now = Instant.now();
                Uni<Integer> chain = Uni.createFrom().item(0);
                for (CobrowseSession session : live) {
                    chain = chain.chain(n -> publish(session, session.end(EndReason.CHAT_ENDED, now), now)
                            .replaceWith(n + 1));
                }
                return chain;
            });
        });
    }

    /**
     * Ends up to {@code limit} live sessions whose deadline passed by {@code now}, each with the reason of the
     * deadline that passed first. Safe with several replicas: the rows are taken with SKIP LOCKED, and an
     * ended session cannot end again.
     *
     * @return how many sessions ended
     */
    @WithTransaction
    public Uni<Integer> endDue(Instant now, int limit) {
        return sessions.lockDue(now, limit).chain(due -> {
            Uni<Integer> chain = Uni.createFrom().item(0);
            for (CobrowseSession session : due) {
                Optional<EndReason> reason = session.dueReason(now);
                if (reason.isEmpty()) {
                    continue;
                }
                chain = chain.chain(n -> publish(session, session.end(reason.get(), now), now).replaceWith(n + 1));
            }
            return chain;
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // REST

    /** The agent's live session; 404 {@code no-live-session} when there is none. */
    @WithSession
    public Uni<CobrowseSession> liveSessionOf(String agentId) {
        return sessions.findLiveByAgent(agentId).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("no-live-session", "you have no live session"));
    }

    /**
     * A session, for its agent or a supervisor or admin of its tenant. Anyone else gets the same 404 as for
     * a session that does not exist.
     */
    @WithSession
    public Uni<CobrowseSession> sessionFor(String sessionId, Caller caller) {
        return find(sessionId, false).map(session -> {
            boolean own = caller.is(Caller.AGENT) && session.belongsTo(caller.name());
            if (!own && !caller.overseesTenant(session.tenant())) {
                throw sessionNotFound();
            }
            return session;
        });
    }

    /**
     * The live session showing {@code code}, for its agent only. Another agent's code, a code no live session
     * shows and a string that is not a code all get the same 403 {@code code-not-yours}, so that codes cannot
     * be probed.
     */
    @WithSession
    public Uni<CobrowseSession> byCodeForAgent(String code, String agentId) {
        if (!DisplayCode.isWellFormed(code)) {
            return Uni.createFrom().failure(codeNotYours());
        }
        return sessions.findLiveByCode(code).map(session -> {
            if (session == null || !session.belongsTo(agentId)) {
                throw codeNotYours();
            }
            return session;
        });
    }

    /** A tenant's live sessions, for its supervisors and admins. */
    @WithSession
    public Uni<List<CobrowseSession>> liveSessionsOfTenant(String tenant) {
        return sessions.listLiveOfTenant(tenant, LIST_LIMIT);
    }

    /** A session's audit trail and durations, for supervisors and admins of its tenant (others: 404). */
    public record Trail(CobrowseSession session, List<AuditEntry> entries, SessionDurations durations) {
    }

    @WithSession
    public Uni<Trail> trailFor(String sessionId, Caller caller) {
        return find(sessionId, false).chain(session -> {
            if (!caller.overseesTenant(session.tenant())) {
                return Uni.createFrom().failure(sessionNotFound());
            }
            return audit.trailOf(session.id()).map(entries -> {
                List<SessionDurations.Presence> presences = new ArrayList<>();
                for (AuditEntry e : entries) {
                    presences.add(new SessionDurations.Presence(e.kind(), e.role(), e.at()));
                }
                return new Trail(session, entries, SessionDurations.of(session.createdAt(), session.activatedAt(),
                        session.endedAt(), presences, Instant.now()));
            });
        });
    }

    /**
     * A visitor's join token, for the holder of the invite credential. 404 {@code session-not-ready} while
     * no session exists for it (the invite may have been accepted a moment ago: retry), 409 {@code agent-busy}
     * when no session was opened because the agent was in another one, 410 {@code session-ended} once it has
     * ended.
     */
    @WithSession
    public Uni<SessionToken> visitorJoinToken(String credential) {
        String hash = VisitorCredential.hash(credential);
        return sessions.findByCredentialHash(hash).chain(session -> {
            if (session != null) {
                return Uni.createFrom().item(tokenFor(session, Role.VISITOR));
            }
            return sessions.wasRefused(hash).map(refused -> {
                if (refused) {
                    throw ProblemException.conflict("agent-busy", "the agent was already in another co-browsing "
                            + "session, so none was opened for this invite; ask again in the chat");
                }
                throw ProblemException.notFound("session-not-ready", "there is no session for this invite (yet); "
                        + "if the invite was just accepted, retry in a moment");
            });
        });
    }

    /**
     * A join token for the session's agent. Anyone else gets the same 404 as for a session that does not
     * exist, so that session ids cannot be probed. 410 {@code session-ended} once it has ended.
     */
    @WithSession
    public Uni<SessionToken> agentJoinToken(String sessionId, String agentId) {
        return ownSession(sessionId, agentId, false).map(session -> tokenFor(session, Role.AGENT));
    }

    /**
     * A view-only observer token for a supervisor of the session's tenant. Anyone else gets the same 404 as
     * for a session that does not exist; 410 once it has ended.
     */
    @WithSession
    public Uni<SessionToken> observerJoinToken(String sessionId, Caller supervisor) {
        return find(sessionId, false).map(session -> {
            if (!supervisor.is(Caller.SUPERVISOR) || !supervisor.overseesTenant(session.tenant())) {
                throw sessionNotFound();
            }
            requireLive(session);
            return new SessionToken(session, joinTokens.issueObserver(session, supervisor.name()));
        });
    }

    /** The session's agent ends it (AGENT_ENDED). Ending an ended session changes nothing. */
    @WithTransaction
    public Uni<Void> endByAgent(String sessionId, String agentId) {
        return ownSession(sessionId, agentId, true).chain(session -> {
            Instant now = Instant.now();
            return publish(session, session.end(EndReason.AGENT_ENDED, now), now);
        });
    }

    /**
     * An operator ends the session (OPERATOR): a supervisor or admin of the session's tenant, for example
     * to stop a session that should not go on. Anyone else gets the same 404 as for a session that does not
     * exist; ending an ended session changes nothing.
     */
    @WithTransaction
    public Uni<Void> endByOperator(String sessionId, Caller operator) {
        return find(sessionId, true).chain(session -> {
            if (!operator.overseesTenant(session.tenant())) {
                return Uni.createFrom().failure(sessionNotFound());
            }
            Instant now = Instant.now();
            return publish(session, session.end(EndReason.OPERATOR, now), now);
        });
    }

    /**
     * The session's agent sets the mode directly: down to VIEW_ONLY at once (ModeChanged published); up to
     * SHARED is refused with 409 {@code consent-required} (the visitor's consent goes through invite-service).
     */
    @WithTransaction
    public Uni<CobrowseSession> setModeByAgent(String sessionId, String agentId, Mode requested) {
        return ownSession(sessionId, agentId, true).chain(session -> {
            requireLive(session);
            return switch (ModePolicy.agentRequest(session.mode(), requested)) {
                case UNCHANGED -> Uni.createFrom().item(session);
                case CONSENT_REQUIRED -> Uni.createFrom().failure(new ProblemException(409, "consent-required",
                        "Visitor consent required", "going to " + requested + " needs the visitor's consent: ask "
                                + "for it through invite-service (a mode-change request); the mode changes when "
                                + "the visitor accepts"));
                case CHANGE -> changeMode(session, requested, "AGENT").replaceWith(session);
            };
        });
    }

    /** A join token with what the caller shows about the session. */
    public record SessionToken(CobrowseSession session, JoinTokens.Issued issued) {
    }

    // ---------------------------------------------------------------------------------------------------------

    private Uni<Void> changeMode(CobrowseSession session, Mode mode, String by) {
        if (!session.changeMode(mode)) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        String key = session.id().toString();
        return outbox.add(Topics.SESSION_EVENTS, key, new SessionEvent.ModeChanged(UUID.randomUUID(), now, key, mode))
                .chain(() -> audit.persist(AuditEntry.modeChanged(session.id(), now, mode, by)))
                .invoke(() -> Log.infof("session %s mode %s (%s)", key, mode, by))
                .replaceWithVoid();
    }

    private SessionToken tokenFor(CobrowseSession session, Role role) {
        requireLive(session);
        return new SessionToken(session, joinTokens.issue(session, role));
    }

    private static void requireLive(CobrowseSession session) {
        if (!session.isLive()) {
            throw new ProblemException(410, "session-ended", "Session ended",
                    "the session has ended and cannot be joined again");
        }
    }

    private Uni<CobrowseSession> find(String sessionId, boolean forUpdate) {
        Optional<UUID> id = parseId(sessionId);
        if (id.isEmpty()) {
            return Uni.createFrom().failure(sessionNotFound());
        }
        Uni<CobrowseSession> found = forUpdate ? sessions.findForUpdate(id.get()) : sessions.findById(id.get());
        return found.onItem().ifNull().failWith(SessionService::sessionNotFound);
    }

    private Uni<CobrowseSession> ownSession(String sessionId, String agentId, boolean forUpdate) {
        return find(sessionId, forUpdate).map(session -> {
            if (!session.belongsTo(agentId)) {
                throw sessionNotFound();
            }
            return session;
        });
    }

    private static ProblemException sessionNotFound() {
        // one answer for "does not exist", "not yours" and "not an id": nothing to learn from it
        return ProblemException.notFound("session-not-found", "you have no session with this id");
    }

    private static ProblemException codeNotYours() {
        // one answer for "another agent's code", "no live session shows it" and "not a code"
        return ProblemException.forbidden("code-not-yours", "no live session of yours shows this code");
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** Records the events and audit entries for what changed, in the caller's transaction. */
    private Uni<Void> publish(CobrowseSession session, List<SessionChange> changes, Instant now) {
        String key = session.id().toString();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SessionChange change : changes) {
            SessionEvent event = switch (change) {
                case SessionChange.Joined j -> new SessionEvent.ParticipantJoined(UUID.randomUUID(), now, key, j.role());
                case SessionChange.Left l -> new SessionEvent.ParticipantLeft(UUID.randomUUID(), now, key, l.role());
                case SessionChange.Ended e -> new SessionEvent.SessionEnded(UUID.randomUUID(), now, key,
                        session.agentId(), e.reason());
                case SessionChange.Activated a -> null; // visible in the state; ParticipantJoined says who came
            };
            AuditEntry entry = switch (change) {
                case SessionChange.Joined j -> AuditEntry.joined(session.id(), now, j.role());
                case SessionChange.Left l -> AuditEntry.left(session.id(), now, l.role());
                case SessionChange.Ended e -> AuditEntry.ended(session.id(), now, e.reason().name());
                case SessionChange.Activated a -> null;
            };
            if (event != null) {
                chain = chain.chain(() -> outbox.add(Topics.SESSION_EVENTS, key, event));
            }
            if (entry != null) {
                chain = chain.chain(() -> audit.persist(entry)).replaceWithVoid();
            }
            if (change instanceof SessionChange.Ended e) {
                chain = chain.invoke(() -> Log.infof("session %s ended: %s", key, e.reason()));
            }
        }
        return chain;
    }
}
