package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;

/** Body of POST /api/sessions/{sessionId}/mode-requests. */
@Schema(name = "ModeRequestBody", description = "The mode the agent asks the visitor for: SHARED")
public record ModeRequestBody(
        @Schema(description = "SHARED (going back to VIEW_ONLY needs no consent: session-service does it)")
        @NotNull(message = "is required: SHARED")
        Mode mode) {
}
