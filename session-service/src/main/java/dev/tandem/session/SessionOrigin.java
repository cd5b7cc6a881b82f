package dev.tandem.session;

/** What a session was opened for: an agent's invite the visitor accepted, or a visitor's request an agent took. */
public enum SessionOrigin {
    INVITE,
    VISITOR_REQUEST
}
