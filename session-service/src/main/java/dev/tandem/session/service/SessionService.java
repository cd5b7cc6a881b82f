package dev.tandem.session.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.GatewayEvent;
import dev.tandem.contracts.InviteEvent.InviteAccepted;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.contracts.Topics;
import dev.tandem.platform.messaging.ProcessedEvents;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.CobrowseSession;
import dev.tandem.session.domain.SessionChange;
import dev.tandem.session.domain.SessionLifecycle;
import dev.tandem.session.domain.VisitorCredential;
import dev.tandem.session.repository.SessionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * The session lifecycle: opening a session for an accepted invite, applying what the gateways report,
 * ending it, and handing out join tokens. Every state change and the events that describe it are
 * committed together (the events through the outbox, keyed by session id).
 */
@ApplicationScoped
public class SessionService {

    /** Names under which the consumers record the events they applied. */
    public static final String INVITE_EVENTS_CONSUMER = "session-service.invite-events";
    public static final String GATEWAY_EVENTS_CONSUMER = "session-service.gateway-events";

    private final SessionRepository sessions;
    private final ProcessedEvents processedEvents;
    private final Outbox outbox;
    private final DisplayCodes codes;
    private final JoinTokens joinTokens;

    public SessionService(SessionRepository sessions, ProcessedEvents processedEvents, Outbox outbox,
            DisplayCodes codes, JoinTokens joinTokens) {
        this.sessions = sessions;
        this.processedEvents = processedEvents;
        this.outbox = outbox;
        this.codes = codes;
        this.joinTokens = joinTokens;
    }

    /** What became of an accepted invite. */
    public enum OpenOutcome {
        /** A session was opened and SessionCreated recorded. */
        OPENED,
        /** This event, or another one for the same invite, was applied before: nothing changed. */
        ALREADY_APPLIED,
        /** The agent has a live session already: no second one was opened. */
        AGENT_HAS_LIVE_SESSION
    }

    public record OpenResult(OpenOutcome outcome, UUID sessionId) {
    }

    /**
     * Opens a session for an accepted invite: a random id, a display code unique among live sessions, and
     * SessionCreated in the same transaction. Idempotent per event id and per invite. The database refuses a
     * second live session for the agent and a display code already in use; such a refusal fails this call
     * (see {@link #isLiveSessionConflict}) and the caller runs it again in a new transaction, which then
     * sees the agent's session or draws another code.
     */
    @WithTransaction
    public Uni<OpenResult> openForAcceptedInvite(InviteAccepted invite) {
        return processedEvents.firstTime(invite.id(), INVITE_EVENTS_CONSUMER).chain(first -> {
            if (!first) {
                return Uni.createFrom().item(new OpenResult(OpenOutcome.ALREADY_APPLIED, null));
            }
            return sessions.findByInvite(invite.aggregateId()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().item(new OpenResult(OpenOutcome.ALREADY_APPLIED, existing.id()));
                }
                return sessions.findLiveByAgent(invite.agentId()).chain(live -> {
                    if (live != null) {
                        Log.infof("invite %s accepted while agent %s has live session %s: no second session opened",
                                invite.aggregateId(), invite.agentId(), live.id());
                        return Uni.createFrom().item(new OpenResult(OpenOutcome.AGENT_HAS_LIVE_SESSION, live.id()));
                    }
                    return open(invite);
                });
            });
        });
    }

    private Uni<OpenResult> open(InviteAccepted invite) {
        Instant now = Instant.now();
        CobrowseSession session = CobrowseSession.open(UUID.randomUUID(), codes.next(),
                new CobrowseSession.Terms(invite.agentId(), invite.chatId(), invite.siteId(), invite.tenant(),
                        invite.mode(), invite.aggregateId(), invite.visitorCredentialHash()),
                now);
        SessionEvent created = new SessionEvent.SessionCreated(UUID.randomUUID(), now, session.id().toString(),
                session.agentId(), session.chatId(), session.siteId(), session.tenant(), session.mode(),
                session.inviteId());
        return sessions.persistAndFlush(session)
                .chain(() -> outbox.add(Topics.SESSION_EVENTS, session.id().toString(), created))
                .invoke(() -> Log.infof("session %s opened for invite %s (agent %s)", session.id(),
                        session.inviteId(), session.agentId()))
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

    /**
     * Applies what a gateway reported about session {@code sessionId}: a party connected or disconnected, or
     * asked to end the session. Idempotent per event id; the lifecycle makes repeated reports harmless too.
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
                List<SessionChange> changes = switch (event) {
                    case GatewayEvent.Connected c -> session.connected(c.role(), now);
                    case GatewayEvent.Disconnected d -> session.disconnected(d.role(), now);
                    case GatewayEvent.EndRequested e when e.role() == Role.OBSERVER -> {
                        Log.warnf("gateway event %s: an observer asked to end session %s; observers cannot end "
                                + "sessions", e.id(), sessionId);
                        yield List.of();
                    }
                    case GatewayEvent.EndRequested e -> session.end(SessionLifecycle.endReasonFor(e.role()), now);
                    case GatewayEvent.Activity a -> List.of();
                    case GatewayEvent.PageVisited p -> List.of();
                };
                return publish(session, changes, now);
            });
        });
    }

    /** The agent's live session; 404 {@code no-live-session} when there is none. */
    @WithSession
    public Uni<CobrowseSession> liveSessionOf(String agentId) {
        return sessions.findLiveByAgent(agentId).onItem().ifNull()
                .failWith(() -> ProblemException.notFound("no-live-session", "you have no live session"));
    }

    /**
     * A visitor's join token, for the holder of the invite credential. 404 {@code session-not-ready} while
     * no session exists for it (the invite may have been accepted a moment ago: retry), 410
     * {@code session-ended} once it has ended.
     */
    @WithSession
    public Uni<SessionToken> visitorJoinToken(String credential) {
        return sessions.findByCredentialHash(VisitorCredential.hash(credential)).map(session -> {
            if (session == null) {
                throw ProblemException.notFound("session-not-ready", "there is no session for this invite (yet); "
                        + "if the invite was just accepted, retry in a moment");
            }
            return tokenFor(session, Role.VISITOR);
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

    /** The session's agent ends it (AGENT_ENDED). Ending an ended session changes nothing. */
    @WithTransaction
    public Uni<Void> endByAgent(String sessionId, String agentId) {
        return ownSession(sessionId, agentId, true).chain(session -> {
            Instant now = Instant.now();
            return publish(session, session.end(EndReason.AGENT_ENDED, now), now);
        });
    }

    /** A join token with what the caller shows about the session. */
    public record SessionToken(CobrowseSession session, JoinTokens.Issued issued) {
    }

    private SessionToken tokenFor(CobrowseSession session, Role role) {
        if (!session.isLive()) {
            throw new ProblemException(410, "session-ended", "Session ended",
                    "the session has ended and cannot be joined again");
        }
        return new SessionToken(session, joinTokens.issue(session, role));
    }

    private Uni<CobrowseSession> ownSession(String sessionId, String agentId, boolean forUpdate) {
        Optional<UUID> id = parseId(sessionId);
        if (id.isEmpty()) {
            return Uni.createFrom().failure(sessionNotFound());
        }
        Uni<CobrowseSession> found = forUpdate ? sessions.findForUpdate(id.get()) : sessions.findById(id.get());
        return found.map(session -> {
            if (session == null || !session.belongsTo(agentId)) {
                throw sessionNotFound();
            }
            return session;
        });
    }

    private static ProblemException sessionNotFound() {
        // one answer for "does not exist", "not yours" and "not an id": nothing to learn from it
        return ProblemException.notFound("session-not-found", "you have no session with this id");
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

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
            if (event != null) {
                chain = chain.chain(() -> outbox.add(Topics.SESSION_EVENTS, key, event));
            }
            if (change instanceof SessionChange.Ended e) {
                chain = chain.invoke(() -> Log.infof("session %s ended: %s", key, e.reason()));
            }
        }
        return chain;
    }
}
