package dev.tandem.invite.service;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.repository.TrackedSessionRepository;
import io.smallrye.mutiny.Uni;

/**
 * The rules every way of starting a session shares (an invite, a visitor request picked up): the site is
 * the caller's and has co-browsing on, the mode is allowed for the agent group, and the agent is not in a
 * live session. Runs inside the caller's transaction.
 */
@ApplicationScoped
public class Admission {

    private final SiteDirectory sites;
    private final TrackedSessionRepository sessions;

    public Admission(SiteDirectory sites, TrackedSessionRepository sessions) {
        this.sites = sites;
        this.sessions = sessions;
    }

    public Uni<Void> check(String tenant, String siteId, String agentGroup, Mode mode, String agentId) {
        return checkSite(tenant, siteId, agentGroup, mode)
                .chain(() -> sessions.liveOfAgent(agentId))
                .chain(live -> live == null ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(Problems.agentInSession(agentId)));
    }

    /** The site rules alone: 404 site-not-found, 409 cobrowsing-disabled, 403 mode-not-allowed. */
    public Uni<Void> checkSite(String tenant, String siteId, String agentGroup, Mode mode) {
        return sites.rulesOf(siteId).chain(rules -> {
            SiteRules.Verdict verdict = rules == null ? SiteRules.Verdict.UNKNOWN_SITE
                    : rules.check(tenant, agentGroup, mode);
            return switch (verdict) {
                case ALLOWED -> Uni.createFrom().voidItem();
                case UNKNOWN_SITE -> Uni.createFrom().failure(Problems.siteNotFound(siteId));
                case DISABLED -> Uni.createFrom().failure(Problems.cobrowsingDisabled(siteId));
                case MODE_NOT_ALLOWED -> Uni.createFrom().failure(Problems.modeNotAllowed(siteId, agentGroup, mode));
            };
        });
    }
}
