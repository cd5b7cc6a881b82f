package dev.tandem.session.rest;

import jakarta.validation.constraints.NotNull;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;

@Schema(name = "ModeRequest", description = "The mode the agent sets; only VIEW_ONLY can be set directly")
public record ModeRequest(@NotNull @Schema(examples = "VIEW_ONLY", required = true) Mode mode) {
}
