package dev.tandem.invite.domain;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tandem.contracts.Mode;

/**
 * What a site's configuration allows, as invite-service needs it: whose site it is, whether co-browsing is
 * on, and which modes each agent group may use. Free of any framework.
 */
public record SiteRules(String tenant, boolean enabled, Map<String, List<Mode>> modes) {

    /** The group a chat platform gets when it names none. */
    public static final String DEFAULT_GROUP = "default";
    /** The characters an agent group may have (as agent ids). */
    public static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    /** The outcome of asking whether {@code mode} may be used on this site. */
    public enum Verdict {
        /** Go ahead. */
        ALLOWED,
        /** The site is another tenant's: answered like an unknown site. */
        UNKNOWN_SITE,
        /** Co-browsing is switched off for the site. */
        DISABLED,
        /** The agent group may not use the mode here (or the group is not configured at all). */
        MODE_NOT_ALLOWED
    }

    public SiteRules {
        Objects.requireNonNull(tenant, "tenant");
        modes = modes == null ? Map.of() : Map.copyOf(modes);
    }

    /**
     * May an agent of {@code group} working for {@code callerTenant} co-browse in {@code mode}? The checks
     * come in this order: ownership (never revealing another tenant's site), then on/off, then the mode.
     */
    public Verdict check(String callerTenant, String group, Mode mode) {
        if (!tenant.equals(callerTenant)) {
            return Verdict.UNKNOWN_SITE;
        }
        if (!enabled) {
            return Verdict.DISABLED;
        }
        List<Mode> allowed = modes.get(group == null ? DEFAULT_GROUP : group);
        return allowed != null && Set.copyOf(allowed.stream().filter(Objects::nonNull).toList()).contains(mode)
                ? Verdict.ALLOWED
                : Verdict.MODE_NOT_ALLOWED;
    }

    /** The group to use for a request that may name none. */
    public static String groupOrDefault(String group) {
        return group == null ? DEFAULT_GROUP : group;
    }
}
