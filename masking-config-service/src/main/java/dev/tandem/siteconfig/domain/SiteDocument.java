package dev.tandem.siteconfig.domain;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SiteConfig;

/** What an admin edits for a site; saved whole, as one version. */
public record SiteDocument(
        @NotNull @Size(max = 50) List<@NotBlank @Size(max = 300) String> allowedOrigins,
        @NotNull @Size(max = 500) List<@Valid @NotNull RuleInput> rules,
        @NotNull @Valid AppearanceInput appearance,
        @NotNull @Size(max = 100) Map<@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
                message = "must be an agent group name: letters, digits, `-`, `_`, `.`") String,
                @NotNull List<@NotNull Mode>> modes,
        @NotNull SiteConfig.Detectors detectors,
        SiteConfig.Capture capture) {

    /** A document saved before {@code capture} existed, or sent without it, captures nothing beyond the DOM. */
    public SiteDocument {
        capture = capture == null ? SiteConfig.Capture.NONE : capture;
    }

    public record RuleInput(@NotNull SiteConfig.RuleKind kind,
            @NotNull @Size(max = 2000) String selector,
            @Size(max = 500) String note) {
    }

    public record AppearanceInput(
            @NotNull @Pattern(regexp = "#[0-9a-fA-F]{6}", message = "must be a colour such as #f5a623") String borderColor,
            @NotNull @Pattern(regexp = "#[0-9a-fA-F]{6}", message = "must be a colour such as #ffd400") String highlightColor,
            boolean matchViewport) {
    }
}
