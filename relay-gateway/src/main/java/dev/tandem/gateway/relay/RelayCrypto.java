package dev.tandem.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals relay frames for {@code tandem.relay}: AES-256-GCM under a key derived per session with
 * HKDF-SHA256 (RFC 5869) from the gateways' shared secret, salt {@code tandem.relay.v1} and the session
 * id as info. Each frame gets a fresh random 96-bit nonce; the envelope's clear header is the associated
 * data, so nothing of it can be altered either. Framework-free.
 */
public final class RelayCrypto {

    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] SALT = "tandem.relay.v1".getBytes(StandardCharsets.UTF_8);

    /** The ciphertext or its associated data was altered, or was sealed under another secret. */
    public static final class Unreadable extends Exception {
        Unreadable() {
            super("relay frame cannot be opened", null, false, false);
        }
    }

    private final byte[] prk;
    private final SecureRandom random = new SecureRandom();

    public RelayCrypto(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the relay secret needs at least 32 bytes");
        }
        this.prk = hmac(SALT, secret);
    }

    /** The session's AES-256 key: HKDF-Expand(PRK, "session:" + id, 32). */
    public SecretKeySpec sessionKey(String sessionId) {
        byte[] info = ("session:" + sessionId).getBytes(StandardCharsets.UTF_8);
        byte[] t1 = hmac(prk, concat(info, new byte[] { 1 }));
        return new SecretKeySpec(t1, "AES");
    }

    public byte[] nonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    public static byte[] seal(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] plain) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] open(SecretKeySpec key, byte[] nonce, byte[] aad, byte[] sealed) throws Unreadable {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new Unreadable();
        } catch (GeneralSecurityException e) {
            throw new Unreadable();
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
