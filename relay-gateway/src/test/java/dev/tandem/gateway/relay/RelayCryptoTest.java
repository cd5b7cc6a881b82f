package dev.tandem.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tandem.gateway.relay.RelayEnvelope.From;
import dev.tandem.gateway.relay.RelayEnvelope.Kind;

class RelayCryptoTest {

    final RelayCrypto crypto = new RelayCrypto("a secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8));
    final byte[] page = "{\"t\":\"input\",\"id\":4,\"value\":\"Jane Doe\"}".getBytes(StandardCharsets.UTF_8);

    RelayEnvelope envelope(String session) {
        return new RelayEnvelope(Kind.TEXT, From.VISITOR, 0, UUID.randomUUID(), 1, 1, 0, session, page);
    }

    @Test
    void sealedFramesOpenWithTheSessionsKeyAndShowNothingOfThePage() throws Exception {
        byte[] sealed = envelope("s1").seal(crypto, crypto.sessionKey("s1"));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("Jane"));
        RelayEnvelope peeked = RelayEnvelope.peek(sealed);
        assertEquals("s1", peeked.sessionId());
        assertArrayEquals(page, peeked.open(sealed, crypto.sessionKey("s1")).body());
    }

    @Test
    void anotherSessionsKeyAnotherSecretOrATamperedHeaderCannotOpenIt() throws Exception {
        byte[] sealed = envelope("s1").seal(crypto, crypto.sessionKey("s1"));
        RelayEnvelope peeked = RelayEnvelope.peek(sealed);
        assertThrows(RelayEnvelope.Malformed.class, () -> peeked.open(sealed, crypto.sessionKey("s2")));
        RelayCrypto other = new RelayCrypto("another secret, also thirty-two bytes".getBytes(StandardCharsets.UTF_8));
        assertThrows(RelayEnvelope.Malformed.class, () -> peeked.open(sealed, other.sessionKey("s1")));
        byte[] tampered = Arrays.copyOf(sealed, sealed.length);
        tampered[30] ^= 1; // the sequence number, in the clear but authenticated
        assertThrows(RelayEnvelope.Malformed.class,
                () -> RelayEnvelope.peek(tampered).open(tampered, crypto.sessionKey("s1")));
    }

    @Test
    void everyFrameGetsItsOwnNonceAndEachSessionItsOwnKey() {
        byte[] one = envelope("s1").seal(crypto, crypto.sessionKey("s1"));
        byte[] two = envelope("s1").seal(crypto, crypto.sessionKey("s1"));
        assertNotEquals(Arrays.toString(one), Arrays.toString(two), "same frame, different ciphertext");
        assertNotEquals(Arrays.toString(crypto.sessionKey("s1").getEncoded()),
                Arrays.toString(crypto.sessionKey("s2").getEncoded()));
        assertThrows(IllegalArgumentException.class, () -> new RelayCrypto(new byte[16]));
    }
}
