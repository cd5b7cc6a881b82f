package dev.tandem.invite.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class VisitorCredentialTest {

    final SecureRandom random = new SecureRandom();

    @Test
    void isThirtyTwoRandomBytesInBase64UrlWithoutPadding() {
        VisitorCredential credential = VisitorCredential.issue(random);
        assertEquals(43, credential.value().length());
        assertTrue(credential.value().matches("[A-Za-z0-9_-]{43}"), credential.value());
        assertEquals(32, Base64.getUrlDecoder().decode(credential.value()).length);
        assertTrue(VisitorCredential.isWellFormed(credential.value()));
    }

    @Test
    void neverRepeats() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(VisitorCredential.issue(random).value()));
        }
    }

    @Test
    void hashIsSha256HexOfTheCredentialText() {
        // the contract example: SHA-256("test")
        assertEquals("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", VisitorCredential.hashOf("test"));
        VisitorCredential credential = VisitorCredential.issue(random);
        assertEquals(VisitorCredential.hashOf(credential.value()), credential.hash());
        assertTrue(credential.hash().matches("[0-9a-f]{64}"));
        assertNotEquals(credential.value(), credential.hash());
    }

    @Test
    void somethingElseIsNotWellFormed() {
        assertFalse(VisitorCredential.isWellFormed(null));
        assertFalse(VisitorCredential.isWellFormed(""));
        assertFalse(VisitorCredential.isWellFormed("a".repeat(42)));
        assertFalse(VisitorCredential.isWellFormed("a".repeat(44)));
        assertFalse(VisitorCredential.isWellFormed("a".repeat(42) + "="));
        assertFalse(VisitorCredential.isWellFormed("a".repeat(42) + "+"));
    }

    @Test
    void toStringNeverShowsTheSecret() {
        VisitorCredential credential = VisitorCredential.issue(random);
        assertFalse(credential.toString().contains(credential.value()));
    }
}
