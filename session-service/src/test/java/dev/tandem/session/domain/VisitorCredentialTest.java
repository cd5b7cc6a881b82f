package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VisitorCredentialTest {

    @Test
    void theHashIsLowerCaseHexSha256OfTheCredential() {
        // the contracts' example InviteAccepted carries the hash of "test"
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", VisitorCredential.hash("test"));
        assertTrue(VisitorCredential.isWellFormedHash(VisitorCredential.hash("anything")));
    }

    @Test
    void onlySixtyFourLowerCaseHexDigitsAreAHash() {
        assertFalse(VisitorCredential.isWellFormedHash("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
        assertFalse(VisitorCredential.isWellFormedHash("9f86d0"));
        assertFalse(VisitorCredential.isWellFormedHash(null));
    }
}
