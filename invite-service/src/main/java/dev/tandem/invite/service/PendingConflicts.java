package dev.tandem.invite.service;

import dev.tandem.invite.repository.InviteRepository;
import io.vertx.pgclient.PgException;

/** Recognises the database refusing a second pending invite for one agent. */
final class PendingConflicts {

    private static final String UNIQUE_VIOLATION = "23505";

    private PendingConflicts() {
    }

    static boolean isSecondPendingInvite(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                    && InviteRepository.ONE_PENDING_PER_AGENT.equals(pg.getConstraint())) {
                return true;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c
                    && c.getConstraintName() != null
                    && c.getConstraintName().toLowerCase().endsWith(InviteRepository.ONE_PENDING_PER_AGENT)) {
                return true;
            }
        }
        return false;
    }
}
