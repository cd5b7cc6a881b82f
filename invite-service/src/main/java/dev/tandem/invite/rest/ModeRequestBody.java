package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;

/** Body of POST /api/mode-requests. */
@Schema(name = "ModeRequestBody", description = "The session, and the mode the agent asks its visitor for: SHARED")
public record ModeRequestBody(
        @Schema(description = "The agent's live session", examples = "4f1c2a9e-5b7d-4e0a-9c3b-2d6f8a1e7b55")
        @NotNull(message = Dtos.REQUIRED)
        @Size(max = 64, message = "is at most 64 characters")
        String sessionId,
        @Schema(description = "SHARED (going back to VIEW_ONLY needs no consent: session-service does it)")
        @NotNull(message = "is required: SHARED")
        Mode mode) {
}
