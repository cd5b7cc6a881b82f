package dev.tandem.gateway.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

/** The incremental UTF-8 check behind close code 1007, against RFC 3629's table. */
class Utf8CheckTest {

    static boolean valid(int... bytes) {
        Utf8TextFrames.Utf8Check check = new Utf8TextFrames.Utf8Check();
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return check.accept(Unpooled.wrappedBuffer(raw)) && check.complete();
    }

    @Test
    void acceptsEveryLengthOfCharacterUpToU10FFFF() {
        Utf8TextFrames.Utf8Check check = new Utf8TextFrames.Utf8Check();
        String text = "{\"n\":\"Zoë, 東京, €, \uD83D\uDE00, \uDBFF\uDFFF\"}";
        assertTrue(check.accept(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8))) && check.complete());
        assertTrue(valid(0x7f), "the last one-byte character");
        assertTrue(valid(0xed, 0x9f, 0xbf), "U+D7FF, just below the surrogates");
        assertTrue(valid(0xee, 0x80, 0x80), "U+E000, just above them");
    }

    @Test
    void refusesOverlongFormsSurrogatesAndBeyondU10FFFF() {
        assertFalse(valid(0xc0, 0x80), "overlong NUL");
        assertFalse(valid(0xc1, 0xbf), "overlong two-byte");
        assertFalse(valid(0xe0, 0x9f, 0xbf), "overlong three-byte");
        assertFalse(valid(0xf0, 0x8f, 0xbf, 0xbf), "overlong four-byte");
        assertFalse(valid(0xed, 0xa0, 0x80), "a surrogate, U+D800");
        assertFalse(valid(0xf4, 0x90, 0x80, 0x80), "U+110000");
        assertFalse(valid(0xf5, 0x80, 0x80, 0x80), "a byte that never starts anything");
        assertFalse(valid(0xff));
        assertFalse(valid(0x80), "a continuation byte on its own");
        assertFalse(valid(0xc3, 0x28), "a sequence that does not continue");
        assertFalse(valid('a', 0xe2, 0x82), "the message ends inside a character");
    }

    @Test
    void aCharacterMayBeSplitBetweenFragmentsAndResetStartsAfresh() {
        Utf8TextFrames.Utf8Check check = new Utf8TextFrames.Utf8Check();
        assertTrue(check.accept(Unpooled.wrappedBuffer(new byte[] { 'x', (byte) 0xf0, (byte) 0x9f })));
        assertFalse(check.complete(), "half a character so far");
        assertTrue(check.accept(Unpooled.wrappedBuffer(new byte[] { (byte) 0x98 })));
        assertTrue(check.accept(Unpooled.wrappedBuffer(new byte[] { (byte) 0x80, 'y' })));
        assertTrue(check.complete());
        assertFalse(check.accept(Unpooled.wrappedBuffer(new byte[] { (byte) 0xc3, 'z' })));
        assertFalse(check.accept(Unpooled.wrappedBuffer(new byte[] { 'a' })), "once bad, the message stays bad");
        check.reset();
        assertTrue(check.accept(Unpooled.wrappedBuffer(new byte[] { 'a' })) && check.complete(), "the next message");
    }
}
