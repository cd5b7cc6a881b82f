package dev.tandem.session.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.session.AuditEntry;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class AuditRepository implements PanacheRepositoryBase<AuditEntry, Long> {

    /** The session's audit trail, oldest first. */
    public Uni<List<AuditEntry>> trailOf(UUID sessionId) {
        return list("sessionId = ?1 order by id", sessionId);
    }
}
