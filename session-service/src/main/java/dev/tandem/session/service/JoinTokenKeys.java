package dev.tandem.session.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.HashUtil;

import dev.tandem.session.config.SessionConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;

/**
 * The RSA key pair that signs join tokens, and the JWKS that publishes its public half. The key id is
 * the key's RFC 7638 thumbprint, so every replica holding the same key names it the same way.
 * <p>
 * Production: configure {@code session.join-token.private-key} (PEM text or a file path) with the same key
 * on every replica. Without it a 2048-bit pair is generated at startup, which suits one local instance
 * only: its tokens do not survive a restart and another replica cannot have issued them. A configured key
 * that cannot be read stops the service at startup rather than at the first token.
 */
@Startup
@ApplicationScoped
public class JoinTokenKeys {

    static final int GENERATED_KEY_BITS = 2048;
    static final int MINIMUM_KEY_BITS = 2048;

    private final RSAPrivateKey privateKey;
    private final RsaJsonWebKey publicJwk;
    private final boolean generated;

    @Inject
    public JoinTokenKeys(SessionConfig config) {
        this(config.joinToken().privateKey(), config.joinToken().publicKey());
    }

    JoinTokenKeys(Optional<String> privateKeySetting, Optional<String> publicKeySetting) {
        KeyPair pair;
        if (privateKeySetting.filter(s -> !s.isBlank()).isPresent()) {
            RSAPrivateKey privateKey = readPrivateKey(pem(privateKeySetting.get(), "session.join-token.private-key"));
            RSAPublicKey publicKey = publicKeySetting.filter(s -> !s.isBlank())
                    .map(s -> readPublicKey(pem(s, "session.join-token.public-key")))
                    .orElseGet(() -> derivePublicKey(privateKey));
            checkPair(publicKey, privateKey);
            pair = new KeyPair(publicKey, privateKey);
            generated = false;
        } else if (publicKeySetting.filter(s -> !s.isBlank()).isPresent()) {
            throw new IllegalStateException("session.join-token.public-key is set but session.join-token.private-key "
                    + "is not: set the private key (the public key is derived from it)");
        } else {
            pair = generate();
            generated = true;
            Log.warn("No session.join-token.private-key configured: generated a temporary RSA key pair. Join tokens "
                    + "will not survive a restart and will not verify across several replicas; configure a key "
                    + "for production.");
        }
        this.privateKey = (RSAPrivateKey) pair.getPrivate();
        this.publicJwk = publicJwk((RSAPublicKey) pair.getPublic());
        Log.infof("join tokens are signed with key %s", publicJwk.getKeyId());
    }

    public RSAPrivateKey signingKey() {
        return privateKey;
    }

    public String keyId() {
        return publicJwk.getKeyId();
    }

    public RSAPublicKey publicKey() {
        return publicJwk.getRsaPublicKey();
    }

    /** Whether the key pair was generated at startup rather than configured. */
    public boolean isGenerated() {
        return generated;
    }

    /** The JWKS document with the public keys that verify join tokens (never a private part). */
    public String jwksJson() {
        return new JsonWebKeySet(List.<JsonWebKey>of(publicJwk)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static RsaJsonWebKey publicJwk(RSAPublicKey publicKey) {
        RsaJsonWebKey jwk = new RsaJsonWebKey(publicKey);
        jwk.setUse("sig");
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256));
        return jwk;
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(GENERATED_KEY_BITS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key pair", e);
        }
    }

    /** The PEM text of a setting: the value itself when it is PEM, else the file it names. */
    static String pem(String setting, String name) {
        String value = setting.strip();
        if (value.startsWith("-----BEGIN")) {
            return value;
        }
        Path path = Path.of(value.startsWith("file:") ? value.substring("file:".length()) : value);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // the setting names a file: saying which one helps and reveals no key
            throw new UncheckedIOException(name + ": cannot read the PEM file " + path, e);
        }
    }

    static RSAPrivateKey readPrivateKey(String pem) {
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            throw new IllegalStateException("session.join-token.private-key is a PKCS#1 key; convert it to PKCS#8 "
                    + "with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        byte[] der = derOf(pem, "PRIVATE KEY", "session.join-token.private-key");
        try {
            if (KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateKey key) {
                checkSize(key.getModulus());
                return key;
            }
            throw new IllegalStateException("session.join-token.private-key is not an RSA key");
        } catch (InvalidKeySpecException e) {
            throw new IllegalStateException("session.join-token.private-key is not an RSA PKCS#8 private key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read session.join-token.private-key", e);
        }
    }

    static RSAPublicKey readPublicKey(String pem) {
        try {
            RSAPublicKey key;
            if (pem.contains("-----BEGIN CERTIFICATE-----")) {
                byte[] der = derOf(pem, "CERTIFICATE", "session.join-token.public-key");
                key = (RSAPublicKey) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            } else {
                byte[] der = derOf(pem, "PUBLIC KEY", "session.join-token.public-key");
                key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            }
            checkSize(key.getModulus());
            return key;
        } catch (ClassCastException | GeneralSecurityException e) {
            throw new IllegalStateException("session.join-token.public-key is not an RSA public key", e);
        }
    }

    private static RSAPublicKey derivePublicKey(RSAPrivateKey privateKey) {
        if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalStateException("session.join-token.public-key is needed: the private key does not "
                    + "carry its public exponent");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    private static void checkPair(RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        try {
            byte[] probe = "tandem join-token key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException(
                        "session.join-token.public-key does not match session.join-token.private-key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot check the join-token key pair", e);
        }
    }

    private static void checkSize(BigInteger modulus) {
        if (modulus.bitLength() < MINIMUM_KEY_BITS) {
            throw new IllegalStateException("join-token keys must have at least " + MINIMUM_KEY_BITS + " bits, this one has "
                    + modulus.bitLength());
        }
    }

    private static byte[] derOf(String pem, String label, String setting) {
        try {
            return Base64.getMimeDecoder().decode(base64Of(pem, label, setting));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not valid PEM", e);
        }
    }

    private static String base64Of(String pem, String label, String setting) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(setting + " has no '" + begin + "' block");
        }
        return pem.substring(from + begin.length(), to).replaceAll("\\s", "");
    }
}
