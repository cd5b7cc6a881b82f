package dev.tandem.siteconfig.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.tandem.platform.problem.Problem.FieldError;
import dev.tandem.siteconfig.domain.selector.SelectorValidator;

/**
 * The checks of a site document that bean validation cannot make: every rule's selector must be one the
 * visitor's browser applies, every allowed origin one a browser sends. Errors refuse the save; warnings
 * are saved and returned.
 */
public record SiteDocumentCheck(List<FieldError> errors, List<FieldError> warnings) {

    public boolean ok() {
        return errors.isEmpty();
    }

    public static SiteDocumentCheck of(SiteDocument document) {
        List<FieldError> errors = new ArrayList<>();
        List<FieldError> warnings = new ArrayList<>();
        List<SiteDocument.RuleInput> rules = document.rules() == null ? List.of() : document.rules();
        for (int i = 0; i < rules.size(); i++) {
            SiteDocument.RuleInput rule = rules.get(i);
            if (rule == null || rule.selector() == null) {
                continue; // bean validation names these
            }
            String field = "document.rules[" + i + "].selector";
            String name = "rule " + i + " (`" + shorten(rule.selector()) + "`): ";
            SelectorValidator.Result result = SelectorValidator.check(rule.selector());
            if (!result.valid()) {
                errors.add(new FieldError(field, name + result.error()));
            }
            for (String warning : result.warnings()) {
                warnings.add(new FieldError(field, name + warning));
            }
        }
        List<String> origins = document.allowedOrigins() == null ? List.of() : document.allowedOrigins();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < origins.size(); i++) {
            String origin = origins.get(i);
            String field = "document.allowedOrigins[" + i + "]";
            String problem = AllowedOrigins.problem(origin);
            if (problem != null) {
                errors.add(new FieldError(field, problem));
            } else if (!seen.add(origin)) {
                warnings.add(new FieldError(field, "`" + origin + "` is listed twice"));
            }
        }
        return new SiteDocumentCheck(List.copyOf(errors), List.copyOf(warnings));
    }

    private static String shorten(String selector) {
        return selector.length() <= 80 ? selector : selector.substring(0, 77) + "...";
    }
}
