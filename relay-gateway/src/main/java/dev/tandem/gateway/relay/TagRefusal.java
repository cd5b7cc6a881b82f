package dev.tandem.gateway.relay;

import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The visitor's tag refused an agent's control message ({@code refused {action, id?, reason}}): the gateway
 * relays it to the agent and publishes it for the audit trail like its own view-only drops, as the action's
 * type and the reason only. A refusal that does not name an agent control type, or whose reason is not a
 * short slug, is relayed but not audited (nothing a page could put there reaches the trail).
 */
public record TagRefusal(String action, String reason) {

    /** A {@code refused} message is small: anything longer is not one. */
    public static final int MAX_MESSAGE = 1024;
    private static final Pattern REASON = Pattern.compile("[a-z][a-z-]{0,39}");

    /** The action and reason of a {@code refused} message; null when it is not usable for the audit trail. */
    public static TagRefusal fromRefusedMessage(String frame, ObjectMapper json) {
        if (frame == null || frame.length() > MAX_MESSAGE) {
            return null;
        }
        try {
            JsonNode message = json.readTree(frame);
            JsonNode action = message.get("action");
            JsonNode reason = message.get("reason");
            if (action == null || !action.isTextual() || !MessagePolicy.AGENT_CONTROL.contains(action.textValue())
                    || reason == null || !reason.isTextual() || !REASON.matcher(reason.textValue()).matches()) {
                return null;
            }
            return new TagRefusal(action.textValue(), reason.textValue());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
