package dev.tandem.invite.service;

import dev.tandem.invite.repository.InviteRepository;
import io.vertx.pgclient.PgException;

/** Recognises the database refusing a row because of one of the "one pending …" unique indexes. */
final class PendingConflicts {

    private static final String UNIQUE_VIOLATION = "23505";

    private PendingConflicts() {
    }

    static boolean isSecondPendingInvite(Throwable failure) {
        return violates(failure, InviteRepository.ONE_PENDING_PER_AGENT);
    }

    static boolean violates(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                    && constraint.equals(pg.getConstraint())) {
                return true;
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException c
                    && c.getConstraintName() != null
                    && c.getConstraintName().toLowerCase().endsWith(constraint)) {
                return true;
            }
        }
        return false;
    }
}
