package dev.tandem.session.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Optional;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the signing key from configuration, without Quarkus. */
class JoinTokenKeysTest {

    private static KeyPair pair;
    private static KeyPair otherPair;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        pair = generator.generateKeyPair();
        otherPair = generator.generateKeyPair();
    }

    @Test
    void withoutConfigurationAPairIsGenerated() {
        JoinTokenKeys keys = new JoinTokenKeys(Optional.empty(), Optional.empty());
        assertTrue(keys.isGenerated());
        assertEquals(2048, keys.publicKey().getModulus().bitLength());
        assertNotEquals(keys.keyId(), new JoinTokenKeys(Optional.empty(), Optional.empty()).keyId(),
                "each start has its own key");
    }

    @Test
    void aPrivateKeyGivenAsPemTextIsUsedAndItsPublicHalfDerived() throws Exception {
        JoinTokenKeys keys = new JoinTokenKeys(Optional.of(privatePem(pair)), Optional.empty());
        assertFalse(keys.isGenerated());
        assertEquals(pair.getPublic(), keys.publicKey());
        assertEquals(pair.getPrivate(), keys.signingKey());
    }

    @Test
    void keysGivenAsFilePathsAreRead(@TempDir Path dir) throws Exception {
        Path privateFile = Files.writeString(dir.resolve("join-token.key"), privatePem(pair));
        Path publicFile = Files.writeString(dir.resolve("join-token.pub"), publicPem(pair));
        JoinTokenKeys keys = new JoinTokenKeys(Optional.of(privateFile.toString()),
                Optional.of("file:" + publicFile));
        assertEquals(pair.getPublic(), keys.publicKey());
    }

    @Test
    void everyReplicaWithTheSameKeyNamesItTheSameWay() {
        JoinTokenKeys one = new JoinTokenKeys(Optional.of(privatePem(pair)), Optional.empty());
        JoinTokenKeys two = new JoinTokenKeys(Optional.of(privatePem(pair)), Optional.of(publicPem(pair)));
        assertEquals(one.keyId(), two.keyId());
    }

    @Test
    void theJwksHoldsThePublicKeyOnly() throws Exception {
        JoinTokenKeys keys = new JoinTokenKeys(Optional.of(privatePem(pair)), Optional.empty());
        String json = keys.jwksJson();
        JsonWebKeySet set = new JsonWebKeySet(json);
        assertEquals(1, set.getJsonWebKeys().size());
        JsonWebKey jwk = set.getJsonWebKeys().getFirst();
        assertEquals(keys.keyId(), jwk.getKeyId());
        assertEquals("RS256", jwk.getAlgorithm());
        assertEquals("sig", jwk.getUse());
        assertEquals(pair.getPublic(), ((RsaJsonWebKey) jwk).getRsaPublicKey());
        assertFalse(json.contains("\"d\""), "no private exponent");
        assertFalse(json.contains("\"p\""), "no prime");
    }

    @Test
    void aPublicKeyThatDoesNotMatchStopsTheStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new JoinTokenKeys(Optional.of(privatePem(pair)), Optional.of(publicPem(otherPair))));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void aPublicKeyAloneStopsTheStart() {
        assertThrows(IllegalStateException.class,
                () -> new JoinTokenKeys(Optional.empty(), Optional.of(publicPem(pair))));
    }

    @Test
    void unreadableKeysStopTheStartWithoutQuotingThem(@TempDir Path dir) {
        String notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new JoinTokenKeys(Optional.of(notAKey), Optional.empty()));
        assertFalse(e.getMessage().contains("c2VjcmV0"));

        assertThrows(IllegalStateException.class, () -> new JoinTokenKeys(
                Optional.of("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"), Optional.empty()));
        assertThrows(RuntimeException.class,
                () -> new JoinTokenKeys(Optional.of(dir.resolve("missing.pem").toString()), Optional.empty()));
    }

    @Test
    void shortKeysAreRefused() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair weak = generator.generateKeyPair();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new JoinTokenKeys(Optional.of(privatePem(weak)), Optional.empty()));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }

    static String privatePem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    static String publicPem(KeyPair pair) {
        return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
