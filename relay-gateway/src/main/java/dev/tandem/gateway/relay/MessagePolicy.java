package dev.tandem.gateway.relay;

import java.util.Set;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.security.JoinToken.Role;

/**
 * Which message types each side may send, by mode. The visitor's tag checks the same again, so a
 * bypassed gateway still cannot make a view-only agent click. Observers only watch: they may ask for a
 * fresh snapshot and probe the latency ({@code ping}), nothing else.
 */
public final class MessagePolicy {

    public enum Verdict {
        /** Relay it to the other side. */
        RELAY,
        /** The sender asks to end the session. */
        END,
        /** Allowed in general but not for this sender now: drop, count and audit, keep the connection. */
        DROP,
        /** For the gateway itself (the visitor's {@code page}, for the audit trail): read, never relayed. */
        AUDIT,
        /** Not a message this side may ever send: close with 1003. */
        REFUSE
    }

    /** Why a message was dropped, as published in {@code ActionRefused.reason}. */
    public static final String VIEW_ONLY = "view-only";
    public static final String OBSERVER = "observer-view-only";

    public static final String SNAPSHOT_CHUNK = "snapshot.chunk";
    public static final String PAGE = "page";
    /** The tag did not carry out an agent's action: relayed, and audited as the agent's refused action. */
    public static final String REFUSED = "refused";
    /** The visitor switched away from the session's tab, or came back: a boolean, never page content. */
    public static final String AWAY = "away";
    /**
     * Following the visitor across the site's tabs: the agent asks ({@code follow-request}, both modes; an
     * observer's is dropped), the visitor's tag answers after asking the visitor ({@code follow}, a boolean).
     */
    public static final String FOLLOW_REQUEST = "follow-request";
    public static final String FOLLOW = "follow";
    /**
     * The viewer's latency probe and the tag's answer (a counter, never page content): relayed in both modes,
     * also for observers, and never counted as the session's activity (an open viewer must not keep an idle
     * session alive) nor audited.
     */
    public static final String PING = "ping";
    public static final String PONG = "pong";
    static final Set<String> FROM_VISITOR = Set.of("snapshot", "mutations", "input", "scroll", "viewport", "pointer", REFUSED,
            "selection", AWAY, FOLLOW, PONG);
    /**
     * Allowed in both modes: pointing, highlights, text selection (node ids and offsets), pen and laser, resync,
     * ping, and asking to follow the visitor across tabs (the visitor decides).
     */
    static final Set<String> FROM_AGENT = Set.of("pointer", "highlight", "selection", "draw", "erase", "resync", PING,
            FOLLOW_REQUEST);
    static final Set<String> AGENT_CONTROL = Set.of("click", "type", "navigate", "key", "select", "check", "scroll-to");

    private MessagePolicy() {
    }

    /** A text frame's verdict. */
    public static Verdict decide(Role sender, Mode mode, String type) {
        return switch (sender) {
            case VISITOR -> "end".equals(type) ? Verdict.END
                    : PAGE.equals(type) ? Verdict.AUDIT
                    : FROM_VISITOR.contains(type) ? Verdict.RELAY : Verdict.REFUSE;
            case AGENT -> {
                if ("end".equals(type)) {
                    yield Verdict.END;
                }
                if (FROM_AGENT.contains(type)) {
                    yield Verdict.RELAY;
                }
                if (AGENT_CONTROL.contains(type)) {
                    yield mode == Mode.SHARED ? Verdict.RELAY : Verdict.DROP;
                }
                yield Verdict.REFUSE;
            }
            case OBSERVER -> {
                if ("resync".equals(type) || PING.equals(type)) {
                    yield Verdict.RELAY;
                }
                // An observer never points, controls or ends; what an agent may send is dropped, the rest closes.
                yield "end".equals(type) || FROM_AGENT.contains(type) || AGENT_CONTROL.contains(type)
                        ? Verdict.DROP : Verdict.REFUSE;
            }
        };
    }

    /** A binary frame's verdict: only the visitor's snapshot chunks. */
    public static Verdict decideBinary(Role sender, String type) {
        return sender == Role.VISITOR && SNAPSHOT_CHUNK.equals(type) ? Verdict.RELAY : Verdict.REFUSE;
    }

    /** Whether a relayed frame is only the latency probe: not the session's activity. */
    public static boolean isHeartbeat(String type) {
        return PING.equals(type) || PONG.equals(type);
    }

    public static String dropReason(Role sender) {
        return sender == Role.OBSERVER ? OBSERVER : VIEW_ONLY;
    }
}
