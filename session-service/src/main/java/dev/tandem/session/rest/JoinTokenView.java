package dev.tandem.session.rest;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.session.service.SessionService.SessionToken;

@Schema(name = "JoinToken", description = "A join token for one party of a session, with what to show about the "
        + "session. Present the token to a gateway in Sec-WebSocket-Protocol as tandem.token.<joinToken>.")
public record JoinTokenView(
        UUID sessionId,
        @Schema(description = "9-digit code to show both parties; for display only, never a credential",
                examples = "482915307") String code,
        Mode mode,
        String siteId,
        @Schema(description = "RS256 JWT for the gateway; keep it out of URLs and logs") String joinToken,
        @Schema(description = "when the gateway stops accepting the token") Instant expiresAt) {

    static JoinTokenView of(SessionToken token) {
        return new JoinTokenView(token.session().id(), token.session().code(), token.session().mode(),
                token.session().siteId(), token.issued().token(), token.issued().expiresAt());
    }

    @Override
    public String toString() {
        return "JoinTokenView[sessionId=" + sessionId + ", joinToken=<redacted>, expiresAt=" + expiresAt + "]";
    }
}
