package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /api/chat-credentials. */
@Schema(name = "ChatCredentialRequest", description = "The chat, and the site its visitor is on")
public record ChatCredentialRequest(
        @Schema(description = "The chat platform's id of the chat", examples = "chat-7781")
        @NotNull(message = Dtos.REQUIRED)
        @Pattern(regexp = Dtos.ID, message = Dtos.ID_RULE)
        String chatId,
        @Schema(description = "One of the caller's sites", examples = "demo-insurer")
        @NotNull(message = Dtos.REQUIRED)
        @Pattern(regexp = Dtos.ID, message = Dtos.ID_RULE)
        String siteId) {
}
