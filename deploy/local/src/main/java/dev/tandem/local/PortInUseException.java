package dev.tandem.local;

/** A port the stack needs is taken (often by a stack that is still running). Nothing was started. */
public final class PortInUseException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int port;
    private final String piece;

    PortInUseException(int port, String piece) {
        super("Port " + port + " (" + piece + ") is already in use on 127.0.0.1. Stop whatever listens on it "
                + "(a Tandem stack still running?), or start the stack with another base port.");
        this.port = port;
        this.piece = piece;
    }

    public int port() {
        return port;
    }

    /** The piece of the stack that needs the port, such as {@code invite-service}. */
    public String piece() {
        return piece;
    }
}
