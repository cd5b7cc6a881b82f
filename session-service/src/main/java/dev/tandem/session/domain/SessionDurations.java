package dev.tandem.session.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.tandem.contracts.SessionEvent.Role;

/**
 * How long a session lasted, waited and was attended, from its timestamps and the JOINED/LEFT entries of its
 * audit trail. A live session is measured up to {@code now}; a party still present at the end is counted up
 * to the end.
 *
 * @param total from creation to the end (or now)
 * @param waiting from creation until both parties had joined (or until the end, if they never did)
 * @param active from both parties having joined to the end (zero if they never did)
 * @param visitorPresent time the visitor was connected
 * @param agentPresent time the agent was connected
 */
public record SessionDurations(Duration total, Duration waiting, Duration active, Duration visitorPresent,
        Duration agentPresent) {

    /** One JOINED or LEFT entry. */
    public record Presence(AuditKind kind, Role role, Instant at) {
    }

    public static SessionDurations of(Instant createdAt, Instant activatedAt, Instant endedAt,
            List<Presence> presences, Instant now) {
        Objects.requireNonNull(createdAt, "createdAt");
        Instant end = endedAt != null ? endedAt : now;
        Duration total = between(createdAt, end);
        Duration waiting = between(createdAt, activatedAt != null ? activatedAt : end);
        Duration active = activatedAt == null ? Duration.ZERO : between(activatedAt, end);

        Map<Role, Instant> since = new EnumMap<>(Role.class);
        Map<Role, Duration> present = new EnumMap<>(Role.class);
        for (Presence p : presences) {
            if (p.role() == null || p.role() == Role.OBSERVER) {
                continue;
            }
            if (p.kind() == AuditKind.JOINED) {
                since.putIfAbsent(p.role(), p.at());
            } else if (p.kind() == AuditKind.LEFT && since.containsKey(p.role())) {
                present.merge(p.role(), between(since.remove(p.role()), p.at()), Duration::plus);
            }
        }
        since.forEach((role, from) -> present.merge(role, between(from, end), Duration::plus));
        return new SessionDurations(total, waiting, active, present.getOrDefault(Role.VISITOR, Duration.ZERO),
                present.getOrDefault(Role.AGENT, Duration.ZERO));
    }

    private static Duration between(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
