package dev.tandem.siteconfig.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.SiteConfig.Rule;
import dev.tandem.contracts.SiteConfig.RuleKind;

class BuiltInRulesTest {

    @Test
    void passwordsAreAlwaysMaskedAndSubmitIsNeverTheAgents() {
        List<Rule> rules = BuiltInRules.withSiteRules(List.of());
        assertTrue(rules.contains(new Rule(RuleKind.MASK, "input[type=password]", "passwords", true)));
        assertTrue(rules.stream().anyMatch(r -> r.kind() == RuleKind.NO_AGENT_CONTROL && r.selector().equals("[type=submit]")));
    }

    @Test
    void siteRulesFollowTheBuiltInOnesWithoutRepeatingThem() {
        List<Rule> rules = BuiltInRules.withSiteRules(List.of(
                new SiteDocument.RuleInput(RuleKind.MASK, "input[type=password]", "again"),
                new SiteDocument.RuleInput(RuleKind.MASK, "  .iban ", null)));
        assertEquals(BuiltInRules.RULES.size() + 1, rules.size());
        assertEquals(new Rule(RuleKind.MASK, ".iban", null, false), rules.getLast());
    }
}
