package dev.tandem.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.relay.MessagePolicy.Verdict;
import dev.tandem.gateway.security.JoinToken.Role;

class MessagePolicyTest {

    @Test
    void theVisitorsTagReportsRefusedAgentActionsToTheAgent() {
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, Mode.VIEW_ONLY, "refused"));
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, Mode.SHARED, "refused"));
        // Only the visitor reports refusals; an agent sending one is closed like any unknown type.
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, Mode.SHARED, "refused"));
    }

    @Test
    void agentControlIsRelayedOnlyInSharedMode() {
        for (String type : new String[] {"click", "type", "navigate", "key", "select", "check", "scroll-to"}) {
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, Mode.SHARED, type), type);
            assertEquals(Verdict.DROP, MessagePolicy.decide(Role.AGENT, Mode.VIEW_ONLY, type), type);
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, Mode.SHARED, type), type);
        }
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, Mode.VIEW_ONLY, "pointer"));
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, Mode.VIEW_ONLY, "highlight"));
    }

    @Test
    void textSelectionGoesBothWaysInBothModesButNeverFromAnObserver() {
        for (Mode mode : Mode.values()) {
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, mode, "selection"), mode.name());
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, mode, "selection"), mode.name());
            assertEquals(Verdict.DROP, MessagePolicy.decide(Role.OBSERVER, mode, "selection"), mode.name());
        }
    }

    @Test
    void theAgentsPenAndLaserWorkInBothModesOnlyFromTheAgent() {
        for (Mode mode : Mode.values()) {
            for (String type : new String[] {"draw", "erase"}) {
                assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, mode, type), type);
                assertEquals(Verdict.DROP, MessagePolicy.decide(Role.OBSERVER, mode, type), type);
                assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, mode, type), type);
            }
        }
    }

    @Test
    void onlyTheVisitorSaysItIsAwayInBothModes() {
        for (Mode mode : Mode.values()) {
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, mode, "away"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, mode, "away"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.OBSERVER, mode, "away"), mode.name());
        }
    }

    @Test
    void theAgentAsksToFollowAcrossTabsInBothModesAndOnlyTheVisitorAnswers() {
        for (Mode mode : Mode.values()) {
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, mode, "follow-request"), mode.name());
            assertEquals(Verdict.DROP, MessagePolicy.decide(Role.OBSERVER, mode, "follow-request"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, mode, "follow-request"), mode.name());
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, mode, "follow"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, mode, "follow"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.OBSERVER, mode, "follow"), mode.name());
        }
    }

    @Test
    void theLatencyProbeGoesOneWayEachAndIsNoActivity() {
        for (Mode mode : Mode.values()) {
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, mode, "ping"), mode.name());
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.OBSERVER, mode, "ping"), mode.name());
            assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, mode, "pong"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, mode, "ping"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, mode, "pong"), mode.name());
            assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.OBSERVER, mode, "pong"), mode.name());
        }
        assertTrue(MessagePolicy.isHeartbeat("ping"));
        assertTrue(MessagePolicy.isHeartbeat("pong"));
        assertFalse(MessagePolicy.isHeartbeat("pointer"));
        assertFalse(MessagePolicy.isHeartbeat("away"));
    }
}
