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

    @Test
    void observersMayOnlyAskForASnapshotAndOnlyTheVisitorSendsBinaryChunks() {
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.OBSERVER, Mode.SHARED, "resync"));
        assertEquals(Verdict.DROP, MessagePolicy.decide(Role.OBSERVER, Mode.SHARED, "click"));
        assertEquals(Verdict.DROP, MessagePolicy.decide(Role.OBSERVER, Mode.SHARED, "end"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.OBSERVER, Mode.SHARED, "snapshot"));
        assertEquals(Verdict.RELAY, MessagePolicy.decideBinary(Role.VISITOR, "snapshot.chunk"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decideBinary(Role.AGENT, "snapshot.chunk"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.VISITOR, Mode.SHARED, "snapshot.chunk"));
    }

    @Test
    void binaryHeadersAreCheckedLikeTextFrames() throws Exception {
        byte[] header = "{\"t\":\"snapshot.chunk\",\"part\":0}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(2 + header.length + 3).putShort((short) header.length)
                .put(header).put(new byte[] { (byte) 0xff, 0, 1 }).flip();
        assertEquals("snapshot.chunk", FrameHeader.binaryType(frame));
        assertThrows(FrameHeader.MalformedFrame.class, () -> FrameHeader.binaryType(java.nio.ByteBuffer.wrap(new byte[] { 0, 0 })));
        assertThrows(FrameHeader.MalformedFrame.class, () -> FrameHeader.binaryType(java.nio.ByteBuffer.wrap(new byte[] { 4, 1, '{' })));
        assertThrows(FrameHeader.MalformedFrame.class,
                () -> FrameHeader.type("{\"t\":\"snapshot\",\"r\":" + "[".repeat(600) + "]".repeat(600) + "}"));
    }
}
