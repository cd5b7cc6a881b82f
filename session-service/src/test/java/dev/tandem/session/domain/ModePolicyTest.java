package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.Mode;

class ModePolicyTest {

    @Test
    void theAgentMayGiveUpControlAtOnce() {
        assertEquals(ModePolicy.Verdict.CHANGE, ModePolicy.agentRequest(Mode.SHARED, Mode.VIEW_ONLY));
    }

    @Test
    void theAgentMayNotTakeControlWithoutConsent() {
        assertEquals(ModePolicy.Verdict.CONSENT_REQUIRED, ModePolicy.agentRequest(Mode.VIEW_ONLY, Mode.SHARED));
    }

    @Test
    void askingForTheCurrentModeChangesNothing() {
        assertEquals(ModePolicy.Verdict.UNCHANGED, ModePolicy.agentRequest(Mode.VIEW_ONLY, Mode.VIEW_ONLY));
        assertEquals(ModePolicy.Verdict.UNCHANGED, ModePolicy.agentRequest(Mode.SHARED, Mode.SHARED));
    }

    @Test
    void onlyAnAcceptedAnswerForAnotherModeChangesIt() {
        assertTrue(ModePolicy.consentChanges(Mode.VIEW_ONLY, Mode.SHARED, true));
        assertFalse(ModePolicy.consentChanges(Mode.VIEW_ONLY, Mode.SHARED, false));
        assertFalse(ModePolicy.consentChanges(Mode.SHARED, Mode.SHARED, true));
        assertFalse(ModePolicy.consentChanges(Mode.VIEW_ONLY, null, true));
    }
}
