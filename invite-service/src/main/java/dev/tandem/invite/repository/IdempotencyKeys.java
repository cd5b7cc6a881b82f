package dev.tandem.invite.repository;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The {@code Idempotency-Key}s a tenant has used on POST /api/invites. Claiming a key is an insert
 * that does nothing on conflict: if another transaction holds the same key, PostgreSQL makes this one
 * wait for it, so two concurrent requests with one key never both create an invite.
 */
@ApplicationScoped
public class IdempotencyKeys {

    /** A key already used: which request it was used for, and the invite that request created. */
    public record Used(String requestFingerprint, UUID inviteId) {
    }

    /** True if the key was free and is now claimed for {@code inviteId} (in the current transaction). */
    public Uni<Boolean> claim(String tenant, String key, String requestFingerprint, UUID inviteId, Instant now) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO idempotency_key (tenant, idem_key, request_fingerprint, invite_id, created_at)
                VALUES (:tenant, :key, :fingerprint, :inviteId, :now)
                ON CONFLICT (tenant, idem_key) DO NOTHING
                """)
                .setParameter("tenant", tenant)
                .setParameter("key", key)
                .setParameter("fingerprint", requestFingerprint)
                .setParameter("inviteId", inviteId)
                .setParameter("now", now)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** The earlier use of the key, or null. */
    public Uni<Used> find(String tenant, String key) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT request_fingerprint, CAST(invite_id AS TEXT) FROM idempotency_key
                WHERE tenant = :tenant AND idem_key = :key
                """, Object[].class)
                .setParameter("tenant", tenant)
                .setParameter("key", key)
                .getResultList())
                .map(rows -> rows.isEmpty() ? null
                        : new Used((String) rows.getFirst()[0], UUID.fromString((String) rows.getFirst()[1])));
    }

    /** Forgets up to {@code limit} keys created before {@code cutoff}; the number forgotten. */
    public Uni<Integer> forgetOlderThan(Instant cutoff, int limit) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                DELETE FROM idempotency_key WHERE (tenant, idem_key) IN (
                    SELECT tenant, idem_key FROM idempotency_key WHERE created_at < :cutoff LIMIT :limit FOR UPDATE SKIP LOCKED)
                """)
                .setParameter("cutoff", cutoff)
                .setParameter("limit", limit)
                .executeUpdate());
    }
}
