package dev.tandem.contracts;

/** Topic names. Services map logical channels to these in application.properties. */
public final class Topics {

    public static final String INVITE_EVENTS = "tandem.invite-events";
    public static final String SESSION_EVENTS = "tandem.session-events";
    public static final String SITE_CONFIG = "tandem.site-config";
    public static final String GATEWAY_EVENTS = "tandem.gateway-events";
    public static final String CHAT_EVENTS = "tandem.chat-events";
    public static final String RELAY = "tandem.relay";

    private Topics() {
    }
}
