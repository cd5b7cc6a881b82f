package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /api/chats/{chatId}/visitor-credential. */
@Schema(name = "ChatCredentialRequest", description = "The site the chat's visitor is on")
public record ChatCredentialRequest(
        @Schema(description = "One of the caller's sites", examples = "demo-insurer")
        @NotNull(message = Dtos.REQUIRED)
        @Pattern(regexp = Dtos.ID, message = Dtos.ID_RULE)
        String siteId) {
}
