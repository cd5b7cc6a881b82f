package dev.tandem.invite;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

import dev.tandem.invite.domain.InviteLifecycle;
import dev.tandem.invite.domain.InviteNotPendingException;

/**
 * What invites, visitor requests and mode requests share: a tenant's question that is PENDING until it is
 * answered or its time runs out, by the rules of {@link InviteLifecycle}. The columns are the same in each
 * table; state changes only through these methods.
 */
@MappedSuperclass
public abstract class AwaitingAnswer {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private InviteState state;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false, updatable = false)
    private Instant expiresAt;

    /** When it left PENDING (answered or expired); null while pending. */
    @Column(name = "closed_at")
    private Instant closedAt;

    protected AwaitingAnswer() {
        // for Hibernate
    }

    /** Makes this a new pending question that expires {@code expiry} after {@code now}. */
    protected void startPending(UUID id, String tenant, Instant now, Duration expiry) {
        this.id = id;
        this.tenant = tenant;
        this.createdAt = now;
        this.expiresAt = InviteLifecycle.expiresAt(now, expiry);
        this.state = InviteState.PENDING;
    }

    /** The state at {@code now}: a pending one past its expiry is EXPIRED even before the sweeper ran. */
    public InviteState stateAt(Instant now) {
        return InviteLifecycle.stateAt(state, expiresAt, now);
    }

    /** Records the answer; throws {@link InviteNotPendingException} (changing nothing) when too late. */
    public void answer(InviteLifecycle.Answer answer, Instant now) {
        state = InviteLifecycle.answer(state, expiresAt, now, answer);
        closedAt = now;
    }

    /** Records that nobody answered in time. */
    public void expire(Instant now) {
        state = InviteLifecycle.expire(state, expiresAt, now);
        closedAt = now;
    }

    /** Closes a pending one as EXPIRED now, also before its time (what it was about has gone). */
    public void close(Instant now) {
        if (state != InviteState.PENDING) {
            throw new InviteNotPendingException(state);
        }
        state = InviteState.EXPIRED;
        closedAt = now;
    }

    public UUID getId() {
        return id;
    }

    public String getTenant() {
        return tenant;
    }

    public InviteState getState() {
        return state;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getClosedAt() {
        return closedAt;
    }
}
