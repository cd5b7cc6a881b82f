package dev.tandem.gateway.relay;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads the one thing the gateway needs from a frame: its type {@code t}. The tag and the viewer write
 * {@code t} first, so a snapshot of megabytes is not parsed to route it; other members before
 * {@code t} are skipped without being kept. Never logs or returns anything else of the frame.
 */
public final class FrameHeader {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_TYPE_LENGTH = 32;

    /** A frame that is not a JSON object with a string member {@code t}. */
    public static final class MalformedFrame extends Exception {
        MalformedFrame(String reason) {
            super(reason, null, false, false);
        }
    }

    private FrameHeader() {
    }

    public static String type(String frame) throws MalformedFrame {
        try (JsonParser parser = JSON.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedFrame("not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("t".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new MalformedFrame("t is not a string");
                    }
                    String type = parser.getText();
                    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH) {
                        throw new MalformedFrame("t has no sensible length");
                    }
                    return type;
                }
                parser.skipChildren();
            }
            throw new MalformedFrame(token == JsonToken.END_OBJECT ? "no member t" : "not a JSON object");
        } catch (IOException e) {
            throw new MalformedFrame("not valid JSON");
        }
    }
}
