package dev.tandem.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.relay.MessagePolicy.Verdict;
import dev.tandem.gateway.security.JoinToken.Role;

class FrameHeaderTest {

    @Test
    void readsTheTypeWithoutCaringForTheRest() throws Exception {
        assertEquals("snapshot", FrameHeader.type("{\"t\":\"snapshot\",\"root\":{\"children\":[1,2,3]}}"));
        assertEquals("pointer", FrameHeader.type("{\"seq\":4,\"nested\":{\"t\":\"fake\"},\"t\":\"pointer\"}"));
    }

    @Test
    void refusesWhatIsNotAnObjectWithAStringType() {
        for (String bad : new String[] { "", "[]", "\"t\"", "{}", "{\"t\":1}", "{\"t\":\"\"}", "{\"t\":",
                "{\"t\":\"" + "x".repeat(64) + "\"}", "not json" }) {
            assertThrows(FrameHeader.MalformedFrame.class, () -> FrameHeader.type(bad), bad);
        }
    }

    @Test
    void agentControlOnlyInSharedModeAndNeverDomFromTheAgent() {
        assertEquals(Verdict.DROP, MessagePolicy.decide(Role.AGENT, Mode.VIEW_ONLY, "click"));
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, Mode.SHARED, "click"));
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.AGENT, Mode.VIEW_ONLY, "highlight"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, Mode.SHARED, "snapshot"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, Mode.SHARED, "click"));
        assertEquals(Verdict.END, MessagePolicy.decide(Role.VISITOR, Mode.VIEW_ONLY, "end"));
    }
}
