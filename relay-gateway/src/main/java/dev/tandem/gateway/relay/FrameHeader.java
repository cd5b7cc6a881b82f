package dev.tandem.gateway.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * Reads the one thing the gateway needs from a frame: its type {@code t}. The rest of a text frame is
 * only tokenised to check that it is one well-formed JSON object no deeper than {@link #MAX_DEPTH}
 * (the viewer parses it; a malformed or absurdly nested frame closes with 1007 here instead); no value
 * is kept, returned or logged. A binary frame (docs/adr/0004) is a big-endian uint16 header length H
 * (1..1024), H bytes of a UTF-8 JSON object header with {@code t}, then an opaque payload never read.
 */
public final class FrameHeader {

    public static final int MAX_DEPTH = 500;
    public static final int MAX_BINARY_HEADER = 1024;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
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
            String type = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (type == null && "t".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new MalformedFrame("t is not a string");
                    }
                    type = parser.getText();
                    if (type.isEmpty() || type.length() > MAX_TYPE_LENGTH) {
                        throw new MalformedFrame("t has no sensible length");
                    }
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT) {
                throw new MalformedFrame("not a JSON object");
            }
            if (parser.nextToken() != null) {
                throw new MalformedFrame("trailing content");
            }
            if (type == null) {
                throw new MalformedFrame("no member t");
            }
            return type;
        } catch (IOException e) {
            // includes Jackson's StreamConstraintsException for too deep nesting
            throw new MalformedFrame(e.getMessage() != null && e.getMessage().contains("depth")
                    ? "nested too deeply" : "not valid JSON");
        }
    }

    /** The type of a binary frame, from its header; the payload after it is not looked at. */
    public static String binaryType(ByteBuffer frame) throws MalformedFrame {
        if (frame.remaining() < 2) {
            throw new MalformedFrame("no header length");
        }
        int length = Short.toUnsignedInt(frame.getShort(frame.position()));
        if (length < 1 || length > MAX_BINARY_HEADER || frame.remaining() < 2 + length) {
            throw new MalformedFrame("header length out of range");
        }
        ByteBuffer header = frame.slice(frame.position() + 2, length);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(header).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFrame("header is not UTF-8");
        }
        return type(text);
    }
}
