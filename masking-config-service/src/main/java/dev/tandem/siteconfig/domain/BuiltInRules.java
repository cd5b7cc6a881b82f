package dev.tandem.siteconfig.domain;

import java.util.ArrayList;
import java.util.List;

import dev.tandem.contracts.SiteConfig.Rule;
import dev.tandem.contracts.SiteConfig.RuleKind;

/**
 * The rules every site has and no admin can remove: secrets are masked, and submitting is never the
 * agent's to do. The visitor's tag enforces the same list on its own too, so that a site whose
 * configuration is wrong still never leaks a password.
 */
public final class BuiltInRules {

    public static final List<Rule> RULES = List.of(
            new Rule(RuleKind.MASK, "input[type=password]", "passwords", true),
            new Rule(RuleKind.MASK, "[autocomplete=cc-number]", "card numbers", true),
            new Rule(RuleKind.MASK, "[autocomplete=cc-csc]", "card security codes", true),
            new Rule(RuleKind.MASK, "[autocomplete=one-time-code]", "one-time codes", true),
            new Rule(RuleKind.MASK, "[data-tandem-mask]", "marked by the page", true),
            new Rule(RuleKind.BLOCK, "[data-tandem-block]", "marked by the page", true),
            new Rule(RuleKind.NO_AGENT_CONTROL, "[type=submit]", "submit controls", true),
            new Rule(RuleKind.NO_AGENT_CONTROL, "button:not([type])", "buttons that submit by default", true),
            new Rule(RuleKind.NO_AGENT_CONTROL, "input[type=image]", "image submit controls", true),
            new Rule(RuleKind.NO_AGENT_CONTROL, "input[type=file]", "file pickers", true));

    private BuiltInRules() {
    }

    /** The built-in rules followed by the site's own, without repeating a built-in one. */
    public static List<Rule> withSiteRules(List<SiteDocument.RuleInput> siteRules) {
        List<Rule> all = new ArrayList<>(RULES);
        for (SiteDocument.RuleInput input : siteRules) {
            String selector = input.selector().strip();
            boolean duplicate = all.stream().anyMatch(r -> r.kind() == input.kind() && r.selector().equals(selector));
            if (!duplicate) {
                all.add(new Rule(input.kind(), selector, input.note(), false));
            }
        }
        return List.copyOf(all);
    }
}
