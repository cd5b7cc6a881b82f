package dev.tandem.invite.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.SiteRules.Verdict;

class SiteRulesTest {

    final SiteRules site = new SiteRules("demo", true, Map.of(
            "default", List.of(Mode.VIEW_ONLY),
            "seniors", List.of(Mode.VIEW_ONLY, Mode.SHARED)));

    @Test
    void anotherTenantsSiteIsUnknownWhateverItAllows() {
        assertEquals(Verdict.UNKNOWN_SITE, site.check("other", "seniors", Mode.VIEW_ONLY));
        assertEquals(Verdict.UNKNOWN_SITE, new SiteRules("demo", false, Map.of()).check("other", null, Mode.VIEW_ONLY));
    }

    @Test
    void aDisabledSiteAllowsNothingToItsOwnTenant() {
        SiteRules off = new SiteRules("demo", false, site.modes());
        assertEquals(Verdict.DISABLED, off.check("demo", "seniors", Mode.VIEW_ONLY));
    }

    @Test
    void theGroupsModesDecideAndNoGroupMeansDefault() {
        assertEquals(Verdict.ALLOWED, site.check("demo", "default", Mode.VIEW_ONLY));
        assertEquals(Verdict.ALLOWED, site.check("demo", null, Mode.VIEW_ONLY));
        assertEquals(Verdict.MODE_NOT_ALLOWED, site.check("demo", null, Mode.SHARED));
        assertEquals(Verdict.ALLOWED, site.check("demo", "seniors", Mode.SHARED));
        assertEquals(Verdict.MODE_NOT_ALLOWED, site.check("demo", "unknown-group", Mode.VIEW_ONLY));
    }

    @Test
    void noModesAtAllAllowNothing() {
        assertEquals(Verdict.MODE_NOT_ALLOWED, new SiteRules("demo", true, null).check("demo", null, Mode.VIEW_ONLY));
    }

    @Test
    void groupNamesFollowTheIdRule() {
        assertEquals(true, SiteRules.GROUP.matcher("team_1.a-b").matches());
        assertEquals(false, SiteRules.GROUP.matcher("a b").matches());
        assertEquals("default", SiteRules.groupOrDefault(null));
        assertEquals("x", SiteRules.groupOrDefault("x"));
    }
}
