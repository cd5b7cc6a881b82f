package dev.tandem.gateway.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import javax.crypto.spec.SecretKeySpec;

/**
 * One record on {@code tandem.relay} (key: session id). A clear header that routes it, then the sealed
 * body (see {@link RelayCrypto}); the header is the AEAD's associated data.
 *
 * <pre>
 * version(1)=1 kind(1) from(1) flags(1) replica(16) stream(8) seq(8) sentAtMillis(8)
 * sessionIdLength(2) sessionId(UTF-8) nonce(12) sealed body(...)
 * </pre>
 *
 * Kinds: a text frame, a binary frame (both relayed unchanged, the body is the frame), or presence (the
 * sending replica holds {@code count} connections of role {@code from} in the session; flag
 * {@link #FRESH_JOIN}: one of them has just joined, answer with your own presence). {@code stream} is
 * random per room on the sending replica, {@code seq} counts that stream's records from 1.
 */
public record RelayEnvelope(Kind kind, From from, int flags, UUID replica, long stream, long seq, long sentAtMillis,
        String sessionId, byte[] body) {

    public static final int FRESH_JOIN = 1;
    private static final byte VERSION = 1;

    public enum Kind {
        TEXT,
        BINARY,
        PRESENCE
    }

    /** Who sent the frame: a side of the session, or the gateway itself (a resync request). */
    public enum From {
        VISITOR,
        AGENT,
        OBSERVER,
        GATEWAY
    }

    /** A record that is not one of ours, is cut short, or cannot be opened. */
    public static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }

    public byte[] seal(RelayCrypto crypto, SecretKeySpec key) {
        byte[] session = sessionId.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = crypto.nonce();
        ByteBuffer header = ByteBuffer.allocate(4 + 16 + 8 + 8 + 8 + 2 + session.length);
        header.put(VERSION).put((byte) kind.ordinal()).put((byte) from.ordinal()).put((byte) flags)
                .putLong(replica.getMostSignificantBits()).putLong(replica.getLeastSignificantBits())
                .putLong(stream).putLong(seq).putLong(sentAtMillis)
                .putShort((short) session.length).put(session);
        byte[] aad = header.array();
        byte[] sealed = RelayCrypto.seal(key, nonce, aad, body);
        return ByteBuffer.allocate(aad.length + nonce.length + sealed.length).put(aad).put(nonce).put(sealed).array();
    }

    /** The clear header only (who, which session): enough to skip a record without opening it. */
    public static RelayEnvelope peek(byte[] record) throws Malformed {
        try {
            ByteBuffer in = ByteBuffer.wrap(record);
            if (in.get() != VERSION) {
                throw new Malformed("unknown version");
            }
            Kind kind = Kind.values()[in.get()];
            From from = From.values()[in.get()];
            int flags = in.get();
            UUID replica = new UUID(in.getLong(), in.getLong());
            long stream = in.getLong();
            long seq = in.getLong();
            long sentAt = in.getLong();
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || length > 128) {
                throw new Malformed("session id length");
            }
            byte[] session = new byte[length];
            in.get(session);
            return new RelayEnvelope(kind, from, flags, replica, stream, seq, sentAt,
                    new String(session, StandardCharsets.UTF_8), null);
        } catch (RuntimeException e) {
            throw new Malformed("cut short");
        }
    }

    /** Opens a record peeked before, under the session's key. */
    public RelayEnvelope open(byte[] record, SecretKeySpec key) throws Malformed {
        int headerLength = 4 + 16 + 8 + 8 + 8 + 2 + sessionId.getBytes(StandardCharsets.UTF_8).length;
        if (record.length < headerLength + RelayCrypto.NONCE_BYTES + 16) {
            throw new Malformed("cut short");
        }
        byte[] aad = Arrays.copyOfRange(record, 0, headerLength);
        byte[] nonce = Arrays.copyOfRange(record, headerLength, headerLength + RelayCrypto.NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(record, headerLength + RelayCrypto.NONCE_BYTES, record.length);
        try {
            byte[] plain = RelayCrypto.open(key, nonce, aad, sealed);
            return new RelayEnvelope(kind, from, flags, replica, stream, seq, sentAtMillis, sessionId, plain);
        } catch (RelayCrypto.Unreadable e) {
            throw new Malformed("cannot be opened");
        }
    }

    public static byte[] count(int count) {
        return ByteBuffer.allocate(4).putInt(count).array();
    }

    public int count() {
        return body != null && body.length == 4 ? ByteBuffer.wrap(body).getInt() : 0;
    }
}
