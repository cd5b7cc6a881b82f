package dev.tandem.contracts;

/** What the agent may do in a session: only look and point, or also click, type and navigate. */
public enum Mode {
    VIEW_ONLY,
    SHARED
}
