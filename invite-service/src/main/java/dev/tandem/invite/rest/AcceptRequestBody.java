package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;

/** Body of POST /api/requests/{id}/accept. Unknown fields are refused. */
@Schema(name = "AcceptRequest", description = "Which agent picks the request up, in which mode")
public record AcceptRequestBody(
        @Schema(description = "Required for a chat platform; an agent leaves it out (or gives its own user name)",
                examples = "agent1")
        @Pattern(regexp = Dtos.ID, message = Dtos.ID_RULE)
        String agentId,

        @Schema(description = "VIEW_ONLY or SHARED, allowed for the agent group by the site's config")
        @NotNull(message = "is required: VIEW_ONLY or SHARED")
        Mode mode,

        @Schema(description = "Only a chat platform names it; default \"default\"", examples = "default")
        @Pattern(regexp = Dtos.ID, message = Dtos.ID_RULE)
        String agentGroup) {
}
