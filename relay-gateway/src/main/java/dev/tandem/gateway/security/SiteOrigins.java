package dev.tandem.gateway.security;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.gateway.config.GatewayConfig;

/**
 * Which origins may open a visitor socket for a site: the site's {@code allowedOrigins} from the
 * compacted {@code tandem.site-config} topic once this replica has read it; until then (and for a site
 * it has never seen) the configured {@code tandem.gateway.allowed-origins}. Agents and observers come
 * from the console's origins. Matching is exact: scheme, host and port, no {@code null}.
 */
@ApplicationScoped
public class SiteOrigins {

    private final ConcurrentMap<String, Set<String>> sites = new ConcurrentHashMap<>();
    private final Set<String> fallback;
    private final Set<String> console;

    public SiteOrigins(GatewayConfig config) {
        this.fallback = Set.copyOf(config.allowedOrigins());
        this.console = Set.copyOf(config.consoleOrigins().orElse(config.allowedOrigins()));
    }

    public void site(String siteId, List<String> allowedOrigins) {
        sites.put(siteId, Set.copyOf(allowedOrigins == null ? List.of() : allowedOrigins));
    }

    public void forget(String siteId) {
        sites.remove(siteId);
    }

    public Optional<Set<String>> known(String siteId) {
        return Optional.ofNullable(sites.get(siteId));
    }

    /** The origins a site's pages may come from: its config's, or the configured fallback for a site not yet known. */
    public Set<String> of(String siteId) {
        return sites.getOrDefault(siteId, fallback);
    }

    public boolean allowsVisitor(String siteId, String origin) {
        return origin != null && sites.getOrDefault(siteId, fallback).contains(origin);
    }

    public boolean allowsConsole(String origin) {
        return origin != null && console.contains(origin);
    }

    /** Could this origin be allowed for any visitor at all (checked before the token is verified)? */
    public boolean plausibleVisitor(String origin) {
        return origin != null && !"null".equals(origin) && origin.matches("https?://[^/?#\\s]+");
    }
}
