package dev.tandem.invite.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.ModeChangePolicy.SessionFacts;
import dev.tandem.invite.domain.ModeChangePolicy.Verdict;

class ModeChangePolicyTest {

    final SessionFacts live = new SessionFacts("agent1", "demo", true, Mode.VIEW_ONLY);

    @Test
    void theSessionsAgentMayAskForSharedInALiveViewOnlySession() {
        assertEquals(Verdict.ALLOWED, ModeChangePolicy.check(live, "agent1", "demo", Mode.SHARED));
    }

    @Test
    void anUnknownSessionOrSomeoneElsesIsNotFound() {
        assertEquals(Verdict.NOT_FOUND, ModeChangePolicy.check(null, "agent1", "demo", Mode.SHARED));
        assertEquals(Verdict.NOT_FOUND, ModeChangePolicy.check(live, "agent2", "demo", Mode.SHARED));
        assertEquals(Verdict.NOT_FOUND, ModeChangePolicy.check(live, "agent1", "other", Mode.SHARED));
        // an ended session known only from SessionEnded has no tenant: still not the caller's to see
        assertEquals(Verdict.NOT_FOUND, ModeChangePolicy.check(new SessionFacts("agent1", null, false, null),
                "agent1", "demo", Mode.SHARED));
    }

    @Test
    void anEndedSessionIsEndedBeforeAnythingElse() {
        assertEquals(Verdict.ENDED, ModeChangePolicy.check(new SessionFacts("agent1", "demo", false, Mode.SHARED),
                "agent1", "demo", Mode.VIEW_ONLY));
    }

    @Test
    void onlyViewOnlyToSharedNeedsConsent() {
        assertEquals(Verdict.NOT_AN_UPGRADE, ModeChangePolicy.check(live, "agent1", "demo", Mode.VIEW_ONLY));
        assertEquals(Verdict.ALREADY_IN_MODE, ModeChangePolicy.check(
                new SessionFacts("agent1", "demo", true, Mode.SHARED), "agent1", "demo", Mode.SHARED));
    }
}
