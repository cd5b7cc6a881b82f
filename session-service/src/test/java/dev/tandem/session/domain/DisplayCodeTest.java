package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class DisplayCodeTest {

    @Test
    void codesHaveNineDigitsAndNeverStartWithZero() {
        RandomGenerator random = new SecureRandom();
        for (int i = 0; i < 10_000; i++) {
            String code = DisplayCode.random(random);
            assertTrue(code.matches("[1-9][0-9]{8}"), code);
            assertTrue(DisplayCode.isWellFormed(code), code);
        }
    }

    @Test
    void theWholeRangeCanBeDrawn() {
        assertEquals("100000000", DisplayCode.random(fixed(0)));
        assertEquals("999999999", DisplayCode.random(fixed(899_999_999)));
    }

    @Test
    void everyLeadingDigitAndEveryOtherDigitTurnUp() {
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        Set<Character> leading = new HashSet<>();
        Set<Character> others = new HashSet<>();
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String code = DisplayCode.random(random);
            codes.add(code);
            leading.add(code.charAt(0));
            for (char c : code.substring(1).toCharArray()) {
                others.add(c);
            }
        }
        assertEquals(Set.of('1', '2', '3', '4', '5', '6', '7', '8', '9'), leading);
        assertEquals(10, others.size());
        assertTrue(codes.size() > 1_990, "codes are drawn at random, not in a short cycle: " + codes.size());
    }

    @Test
    void wellFormedMeansExactlyNineDigitsWithoutLeadingZero() {
        assertTrue(DisplayCode.isWellFormed("123456789"));
        assertFalse(DisplayCode.isWellFormed("012345678"));
        assertFalse(DisplayCode.isWellFormed("12345678"));
        assertFalse(DisplayCode.isWellFormed("1234567890"));
        assertFalse(DisplayCode.isWellFormed("12345678a"));
        assertFalse(DisplayCode.isWellFormed("12345 789"));
        assertFalse(DisplayCode.isWellFormed(null));
    }

    private static RandomGenerator fixed(int value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return value;
            }

            @Override
            public int nextInt(int bound) {
                return value;
            }
        };
    }
}
