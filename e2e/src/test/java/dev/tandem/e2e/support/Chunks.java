package dev.tandem.e2e.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Binary {@code snapshot.chunk} frames (ADR 0004, docs/engine.md): a big-endian uint16 header length, the
 * JSON header, then the part's payload, deflate-raw compressed on its own.
 */
public final class Chunks {

    private Chunks() {
    }

    /** The header and the payload, inflated when {@code enc} is deflate-raw (at most {@code limit} bytes). */
    public record Decoded(String header, byte[] payload) {
        public String text() {
            return header + "\n" + new String(payload, StandardCharsets.UTF_8);
        }
    }

    public static Decoded decode(byte[] frame, int limit) {
        if (frame.length < 2) {
            return new Decoded("", frame);
        }
        int h = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
        if (2 + h > frame.length) {
            return new Decoded("", frame);
        }
        String header = new String(frame, 2, h, StandardCharsets.UTF_8);
        byte[] payload = java.util.Arrays.copyOfRange(frame, 2 + h, frame.length);
        if (header.contains("\"deflate-raw\"")) {
            payload = inflate(payload, limit);
        }
        return new Decoded(header, payload);
    }

    public static byte[] inflate(byte[] compressed, int limit) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (!inflater.finished() && out.size() < limit) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("a snapshot chunk does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    public static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** One frame: header {@code {"t":"snapshot.chunk",...}} and the already encoded payload. */
    public static byte[] frame(String snapshotId, long seq, int part, boolean last, byte[] payload) {
        String header = "{\"t\":\"snapshot.chunk\",\"snapshotId\":\"" + snapshotId + "\",\"seq\":" + seq + ",\"part\":"
                + part + ",\"last\":" + last + ",\"enc\":\"deflate-raw\"}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + h.length + payload.length).putShort((short) h.length).put(h).put(payload).array();
    }
}
