package dev.tandem.invite.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;

/** Body of POST /api/invites. Unknown fields are refused. */
@Schema(name = "CreateInvite", description = "Who invites whom, from which chat, on which site, in which mode")
public record CreateInviteRequest(
        @Schema(description = "The agent who invites (the agent's user name)", examples = "agent1")
        @NotNull(message = CreateInviteRequest.REQUIRED)
        @Pattern(regexp = CreateInviteRequest.ID, message = CreateInviteRequest.ID_RULE)
        String agentId,

        @Schema(description = "The agent's group: the site's config says which modes each group may use. "
                + "Optional, default \"default\"", examples = "default")
        @Pattern(regexp = CreateInviteRequest.ID, message = CreateInviteRequest.ID_RULE)
        String agentGroup,

        @Schema(description = "The chat the invite is sent in", examples = "chat-42")
        @NotNull(message = CreateInviteRequest.REQUIRED)
        @Pattern(regexp = CreateInviteRequest.ID, message = CreateInviteRequest.ID_RULE)
        String chatId,

        @Schema(description = "The brand's site the visitor is on", examples = "demo-insurer")
        @NotNull(message = CreateInviteRequest.REQUIRED)
        @Pattern(regexp = CreateInviteRequest.ID, message = CreateInviteRequest.ID_RULE)
        String siteId,

        @Schema(description = "VIEW_ONLY: the agent looks and points; SHARED: the agent may also click, type and navigate")
        @NotNull(message = "is required: VIEW_ONLY or SHARED")
        Mode mode,

        @Schema(description = "Shown to the visitor with the invitation (plain text)", maxLength = 500,
                examples = "May I look at the form with you?")
        @Size(max = CreateInviteRequest.MESSAGE_MAX, message = "must be at most 500 characters")
        String message) {

    static final String ID = "[A-Za-z0-9._:@-]{1,128}";
    static final String ID_RULE = "must be 1 to 128 characters among A-Z a-z 0-9 . _ : @ -";
    static final String REQUIRED = "is required";
    static final int MESSAGE_MAX = 500;
}
