package dev.tandem.invite.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The secret a visitor holds for one invite: 32 random bytes, base64url without padding (43
 * characters). Only its hash is stored and published: the SHA-256 of the credential's text (its
 * US-ASCII bytes exactly as the visitor sends it), in lower-case hex. {@link #toString()} never
 * shows the value, so a credential cannot reach a log by accident.
 */
public final class VisitorCredential {

    static final int RANDOM_BYTES = 32;
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String value;

    private VisitorCredential(String value) {
        this.value = value;
    }

    /** A new credential from {@code random} (a {@link SecureRandom}). */
    public static VisitorCredential issue(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new VisitorCredential(BASE64URL.encodeToString(bytes));
    }

    /** The credential itself: give it to the visitor once, never store or log it. */
    public String value() {
        return value;
    }

    public String hash() {
        return hashOf(value);
    }

    /** Whether {@code presented} has the form of a credential; anything else cannot match one. */
    public static boolean isWellFormed(String presented) {
        return presented != null && WELL_FORMED.matcher(presented).matches();
    }

    /** SHA-256 of the credential's text, lower-case hex (64 characters). */
    public static String hashOf(String credential) {
        Objects.requireNonNull(credential, "credential");
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest(credential.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "VisitorCredential[hidden]";
    }
}
