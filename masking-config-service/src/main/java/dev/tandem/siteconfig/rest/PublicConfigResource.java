package dev.tandem.siteconfig.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tandem.siteconfig.service.SiteConfigService;
import io.smallrye.mutiny.Uni;

/** The effective configuration of a site, for the visitor's tag: public, cacheable, served from memory. */
@Path("/api/sites/{siteId}/config")
public class PublicConfigResource {

    private final SiteConfigService service;

    public PublicConfigResource(SiteConfigService service) {
        this.service = service;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The site's effective masking rules and appearance, as the visitor's tag applies them")
    public Uni<Response> get(@PathParam("siteId") String siteId, @HeaderParam("If-None-Match") String ifNoneMatch) {
        return service.effective(siteId).map(config -> {
            EntityTag tag = new EntityTag("v" + config.version());
            CacheControl cache = new CacheControl();
            cache.setMaxAge(5);
            cache.setMustRevalidate(true);
            if (ifNoneMatch != null && matches(ifNoneMatch, tag.toString())) {
                return Response.notModified(tag).cacheControl(cache).build();
            }
            return Response.ok(PublicSiteConfig.of(config)).tag(tag).cacheControl(cache).build();
        });
    }

    /** If-None-Match: a list of tags, weak ones compared weakly, or {@code *}. */
    private static boolean matches(String header, String current) {
        for (String candidate : header.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(current)) {
                return true;
            }
        }
        return false;
    }
}
