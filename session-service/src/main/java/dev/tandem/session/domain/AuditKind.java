package dev.tandem.session.domain;

/** What an entry of a session's audit trail records. */
public enum AuditKind {
    /** The session was opened (mode, and whether from an invite or a visitor request). */
    CREATED,
    /** A party connected (role). */
    JOINED,
    /** A party's connection closed (role). */
    LEFT,
    /** The mode changed (mode; reason VISITOR_CONSENT or AGENT). */
    MODE_CHANGED,
    /** The visitor opened a page (url without query string and fragment). */
    PAGE_VISITED,
    /** A gateway dropped a message the role or mode does not allow (role, message type, reason). */
    ACTION_REFUSED,
    /** The session ended (reason). */
    ENDED
}
