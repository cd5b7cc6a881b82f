package dev.tandem.gateway.relay;

import java.util.Set;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.security.JoinToken.Role;

/**
 * Which message types each side may send, by mode. The visitor's tag checks the same again, so a
 * bypassed gateway still cannot make a view-only agent click.
 */
public final class MessagePolicy {

    public enum Verdict {
        /** Relay it to the other side. */
        RELAY,
        /** The sender asks to end the session. */
        END,
        /** Allowed in general but not in the current mode: drop and count, keep the connection. */
        DROP,
        /** Not a message this side may ever send: close with 1003. */
        REFUSE
    }

    static final Set<String> FROM_VISITOR = Set.of("snapshot", "mutations", "input", "scroll", "viewport", "pointer");
    static final Set<String> FROM_AGENT = Set.of("pointer", "highlight", "resync");
    static final Set<String> AGENT_CONTROL = Set.of("click", "type", "navigate", "key", "select", "check", "scroll-to");

    private MessagePolicy() {
    }

    public static Verdict decide(Role sender, Mode mode, String type) {
        if ("end".equals(type)) {
            return Verdict.END;
        }
        return switch (sender) {
            case VISITOR -> FROM_VISITOR.contains(type) ? Verdict.RELAY : Verdict.REFUSE;
            case AGENT -> {
                if (FROM_AGENT.contains(type)) {
                    yield Verdict.RELAY;
                }
                if (AGENT_CONTROL.contains(type)) {
                    yield mode == Mode.SHARED ? Verdict.RELAY : Verdict.DROP;
                }
                yield Verdict.REFUSE;
            }
        };
    }
}
