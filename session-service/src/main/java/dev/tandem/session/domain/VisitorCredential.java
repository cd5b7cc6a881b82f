package dev.tandem.session.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The credential a visitor received with an invite. Only its SHA-256 (lower-case hex of the UTF-8 bytes)
 * is ever stored or published; session-service looks sessions up by that hash.
 */
public final class VisitorCredential {

    private VisitorCredential() {
    }

    public static String hash(String credential) {
        Objects.requireNonNull(credential, "credential");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether {@code hash} has the form of a credential hash: 64 lower-case hex digits. */
    public static boolean isWellFormedHash(String hash) {
        return hash != null && hash.matches("[0-9a-f]{64}");
    }
}
