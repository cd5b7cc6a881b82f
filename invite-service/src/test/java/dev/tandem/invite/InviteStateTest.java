package dev.tandem.invite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class InviteStateTest {

    @Test
    void onlyPendingMovesAndOnlyToAFinalState() {
        for (InviteState from : InviteState.values()) {
            for (InviteState to : InviteState.values()) {
                boolean expected = from == InviteState.PENDING && to != InviteState.PENDING;
                assertEquals(expected, from.canMoveTo(to), from + " -> " + to);
            }
            assertFalse(from.canMoveTo(null), from + " -> null");
        }
    }

    @Test
    void everyStateButPendingIsFinal() {
        Set<InviteState> finals = EnumSet.noneOf(InviteState.class);
        for (InviteState s : InviteState.values()) {
            if (s.isFinal()) {
                finals.add(s);
            }
        }
        assertEquals(EnumSet.of(InviteState.ACCEPTED, InviteState.DECLINED, InviteState.EXPIRED), finals);
        assertFalse(InviteState.PENDING.isFinal());
    }
}
