package dev.tandem.gateway.relay;

import io.vertx.core.buffer.Buffer;

/** A frame to pass on unchanged: text or binary, with the type read from its header. */
public record Frame(String type, String text, Buffer binary) {

    public static Frame text(String type, String text) {
        return new Frame(type, text, null);
    }

    public static Frame binary(String type, Buffer binary) {
        return new Frame(type, null, binary);
    }

    public boolean isBinary() {
        return binary != null;
    }

    public long size() {
        return binary != null ? binary.length() : text.length();
    }

    public boolean isPointer() {
        return "pointer".equals(type);
    }
}
