package dev.tandem.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** What of the tag's {@code refused} message the audit trail may keep: an agent control type and a reason slug. */
class TagRefusalTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAgentControlTypeAndAReasonSlugAreKept() {
        assertEquals(new TagRefusal("click", "submit"),
                TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\",\"id\":4,\"reason\":\"submit\"}", JSON));
        assertEquals(new TagRefusal("navigate", "other-origin"),
                TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"navigate\",\"reason\":\"other-origin\"}", JSON));
    }

    @Test
    void anythingElseIsNotAudited() {
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"snapshot\",\"reason\":\"submit\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\",\"reason\":\"jane@example.com\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\",\"reason\":\"Submit\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\",\"reason\":\"" + "a".repeat(41) + "\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":1,\"reason\":\"submit\"}", JSON));
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",\"action\":\"click\",\"reason\":\"submit\",\"pad\":\""
                + "x".repeat(TagRefusal.MAX_MESSAGE) + "\"}", JSON), "a refused message is small");
        assertNull(TagRefusal.fromRefusedMessage("{\"t\":\"refused\",", JSON));
    }
}
