package dev.tandem.gateway.relay;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.security.JoinToken;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * One local connection with its limits: token buckets for what it sends (messages and bytes per
 * second), and the bytes queued towards it, so that a slow reader loses frames instead of growing
 * memory. Frames are counted in characters (text) or bytes (binary).
 */
public final class Link {

    final WebSocketConnection connection;
    final JoinToken token;

    private final double messageRate;
    private final double messageBurst;
    private final double byteRate;
    private final double byteBurst;
    private double messageTokens;
    private double byteTokens;
    private long refilledAt;

    /** Bytes handed to the transport and not yet written. */
    final AtomicLong queued = new AtomicLong();
    /** The latest pointer move held back while the queue is long (older ones are replaced: coalesced). */
    final AtomicReference<Frame> pendingPointer = new AtomicReference<>();
    /** Frames were dropped for this reader: it needs a fresh snapshot once its queue has drained. */
    final AtomicBoolean overflowed = new AtomicBoolean();

    Link(WebSocketConnection connection, JoinToken token, GatewayConfig.Limits limits) {
        this.connection = connection;
        this.token = token;
        this.messageRate = limits.messagesPerSecond();
        this.messageBurst = limits.messageBurst();
        this.byteRate = limits.bytesPerSecond();
        this.byteBurst = limits.byteBurst();
        this.messageTokens = messageBurst;
        this.byteTokens = byteBurst;
        this.refilledAt = System.nanoTime();
    }

    public JoinToken token() {
        return token;
    }

    /** Takes one message of {@code size} from the buckets; false when the sender is over its rate. */
    synchronized boolean admit(long size) {
        long now = System.nanoTime();
        double seconds = (now - refilledAt) / 1e9;
        refilledAt = now;
        messageTokens = Math.min(messageBurst, messageTokens + seconds * messageRate);
        byteTokens = Math.min(byteBurst, byteTokens + seconds * byteRate);
        if (messageTokens < 1 || byteTokens < size) {
            return false;
        }
        messageTokens -= 1;
        byteTokens -= size;
        return true;
    }
}
