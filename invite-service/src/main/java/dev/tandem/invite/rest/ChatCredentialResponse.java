package dev.tandem.invite.rest;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A chat credential, shown once: hand it to the visitor's page for POST /api/requests, then forget it. */
@Schema(name = "ChatCredential")
public record ChatCredentialResponse(
        String chatId,
        String siteId,
        @Schema(description = "Sent by the visitor's page as header Tandem-Chat-Credential; shown once, never "
                + "stored by Tandem; a new one for the same chat replaces it")
        String credential,
        Instant expiresAt) {

    @Override
    public String toString() {
        return "ChatCredentialResponse[chat=" + chatId + ", hidden]";
    }
}
