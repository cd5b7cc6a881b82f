package dev.tandem.invite.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** The chat credentials chat platforms issue for their visitors; only hashes are stored. */
@ApplicationScoped
public class ChatCredentials {

    /** The chat a credential belongs to. */
    public record Chat(String tenant, String chatId, String siteId, Instant expiresAt) {
    }

    /** Stores the credential of a chat, replacing the one issued before for it (which stops working). */
    public Uni<Void> put(String tenant, String chatId, String siteId, String credentialHash, Instant now,
            Instant expiresAt) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO chat_credential (tenant, chat_id, site_id, credential_hash, created_at, expires_at)
                VALUES (:tenant, :chat, :site, :hash, :now, :expires)
                ON CONFLICT (tenant, chat_id) DO UPDATE
                SET site_id = EXCLUDED.site_id, credential_hash = EXCLUDED.credential_hash,
                    created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
                """)
                .setParameter("tenant", tenant)
                .setParameter("chat", chatId)
                .setParameter("site", siteId)
                .setParameter("hash", credentialHash)
                .setParameter("now", now)
                .setParameter("expires", expiresAt)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The chat of the credential with this hash, or null. */
    public Uni<Chat> find(String credentialHash) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT tenant, chat_id, site_id, expires_at FROM chat_credential WHERE credential_hash = :hash
                """, Object[].class)
                .setParameter("hash", credentialHash)
                .getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    Object[] row = rows.getFirst();
                    return new Chat((String) row[0], (String) row[1], (String) row[2], toInstant(row[3]));
                });
    }

    /** Forgets up to {@code limit} credentials that expired before {@code now}. */
    public Uni<Integer> forgetExpired(Instant now, int limit) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                DELETE FROM chat_credential WHERE (tenant, chat_id) IN (
                    SELECT tenant, chat_id FROM chat_credential WHERE expires_at < :now LIMIT :limit FOR UPDATE SKIP LOCKED)
                """)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .executeUpdate());
    }

    private static Instant toInstant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case java.time.OffsetDateTime o -> o.toInstant();
            case java.sql.Timestamp t -> t.toInstant();
            case java.time.LocalDateTime l -> l.toInstant(java.time.ZoneOffset.UTC);
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
        };
    }
}
