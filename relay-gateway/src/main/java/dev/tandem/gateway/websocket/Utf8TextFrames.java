package dev.tandem.gateway.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Fails a connection whose text message is not UTF-8 with close code 1007 (RFC 6455 sections 5.6 and 8.1).
 *
 * <p>quarkus-websockets-next hands an endpoint Vert.x's decoded text, in which invalid bytes have already become
 * U+FFFD, so the check cannot live in the endpoint. It sits in the connection's Netty pipeline instead, after the
 * WebSocket frame decoder and before Vert.x: {@link JoinUpgradeCheck} installs it on the connection before the
 * upgrade (the decoder takes the place of the HTTP decoder, ahead of it). It reads each text frame and the
 * continuation frames of a text message as they arrive (a sequence may be split between fragments); a frame with
 * a bad sequence, or a message that ends inside one, is released without reaching Vert.x, the peer gets a close
 * frame 1007 and the connection is closed. Binary messages are the gateway's own business (their header is
 * checked by the hub). Compressed frames (RSV1) are passed on unchecked: the gateway does not offer compression.
 */
final class Utf8TextFrames extends ChannelInboundHandlerAdapter {

    static final String NAME = "tandem-utf8-text";
    /** Vert.x's own handler on an HTTP/1.x connection, named so before and after the upgrade. */
    private static final String VERTX_HANDLER = "handler";

    private final Utf8Check check = new Utf8Check();
    /** A text message whose last fragment has not come yet. */
    private boolean inText;
    private boolean failed;

    /** Puts the check on the request's connection, once; anything else than a plain HTTP/1.x connection is left as is. */
    static void install(HttpServerRequest request) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            Log.debugf("no UTF-8 check for a %s", request.connection().getClass().getName());
            return;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        try {
            if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
                pipeline.addBefore(VERTX_HANDLER, NAME, new Utf8TextFrames());
            }
        } catch (IllegalArgumentException | java.util.NoSuchElementException raced) {
            // Installed meanwhile, or the connection went away: nothing to check.
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof WebSocketFrame frame && (frame.rsv() & 0x4) == 0) {
            boolean text = msg instanceof TextWebSocketFrame;
            if (text || msg instanceof ContinuationWebSocketFrame && inText) {
                if (text) {
                    check.reset();
                }
                boolean whole = frame.isFinalFragment();
                inText = !whole;
                if (!check.accept(frame.content()) || whole && !check.complete()) {
                    fail(ctx, frame);
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void fail(ChannelHandlerContext ctx, WebSocketFrame frame) {
        failed = true;
        frame.release();
        Log.debugf("WebSocket closed: a text message that is not UTF-8");
        ctx.writeAndFlush(new CloseWebSocketFrame(1007, "text is not UTF-8")).addListener(ChannelFutureListener.CLOSE);
    }

    /** An incremental UTF-8 check (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
    static final class Utf8Check {
        /** Continuation bytes still expected, and the range allowed for the next one. */
        private int need;
        private int lower = 0x80;
        private int upper = 0xBF;
        private boolean bad;

        void reset() {
            need = 0;
            lower = 0x80;
            upper = 0xBF;
            bad = false;
        }

        /** Reads more bytes of the message; false once anything read so far is not UTF-8. */
        boolean accept(ByteBuf bytes) {
            if (!bad && bytes.isReadable()) {
                bytes.forEachByte(value -> {
                    int b = value & 0xff;
                    if (need == 0) {
                        if (b < 0x80) {
                            return true;
                        } else if (b >= 0xC2 && b <= 0xDF) {
                            need = 1;
                        } else if (b >= 0xE0 && b <= 0xEF) {
                            need = 2;
                            lower = b == 0xE0 ? 0xA0 : 0x80;
                            upper = b == 0xED ? 0x9F : 0xBF;
                        } else if (b >= 0xF0 && b <= 0xF4) {
                            need = 3;
                            lower = b == 0xF0 ? 0x90 : 0x80;
                            upper = b == 0xF4 ? 0x8F : 0xBF;
                        } else {
                            bad = true;
                        }
                    } else if (b < lower || b > upper) {
                        bad = true;
                    } else {
                        need--;
                        lower = 0x80;
                        upper = 0xBF;
                    }
                    return !bad;
                });
            }
            return !bad;
        }

        /** Whether the message read so far ends where a character ends. */
        boolean complete() {
            return !bad && need == 0;
        }
    }
}
