package dev.tandem.siteconfig.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tandem.platform.problem.Problem.FieldError;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.siteconfig.domain.SiteDocument;
import dev.tandem.siteconfig.domain.PreviewTarget;
import dev.tandem.siteconfig.domain.SiteDocumentCheck;
import dev.tandem.siteconfig.service.SiteConfigCache;
import dev.tandem.siteconfig.service.PreviewPageFetcher;
import dev.tandem.siteconfig.service.SiteConfigService;
import io.smallrye.mutiny.Uni;

/**
 * Site administration for the admins of a tenant (role {@code tandem-admin}, claim {@code tenant}): an
 * admin sees and changes only the sites of their own tenant; another tenant's site answers 404 like a
 * missing one. Writes to an existing site need {@code If-Match} with the ETag of the version edited.
 */
@Path("/api/admin")
@RolesAllowed("tandem-admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminSiteResource {

    public record SaveSite(boolean enabled, @NotNull @Valid SiteDocument document) {
    }

    /** The answer of a dry-run check: saving would fail when {@code errors} is not empty. */
    public record Validation(boolean valid, List<FieldError> errors, List<FieldError> warnings) {
    }

    /** A page of the site as the service read it, for the preview. */
    public record PreviewPage(String url, String html) {
    }

    static final String SITE_ID = "[a-z0-9][a-z0-9-]{0,62}";

    private final SiteConfigService service;
    private final SiteConfigCache cache;
    private final JsonWebToken token;
    private final PreviewPageFetcher pages;

    public AdminSiteResource(SiteConfigService service, SiteConfigCache cache, JsonWebToken token,
            PreviewPageFetcher pages) {
        this.service = service;
        this.cache = cache;
        this.token = token;
        this.pages = pages;
    }

    @GET
    @Path("/sites")
    @Operation(summary = "The sites of the admin's tenant")
    public Uni<List<SiteConfigService.SiteSummary>> list() {
        return service.list(tenant());
    }

    @GET
    @Path("/sites/{siteId}")
    @Operation(summary = "The site's current configuration, built-in rules included; ETag names the version")
    public Uni<Response> get(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId) {
        return service.forAdmin(siteId, tenant())
                .map(config -> Response.ok(AdminSite.of(config, List.of()))
                        .header("ETag", SiteConfigService.etag(config.version())).build());
    }

    @PUT
    @Path("/sites/{siteId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save the site's whole configuration as a new version (If-Match required once the site"
            + " exists; If-None-Match: * creates a new site only, 412 site-exists when the id is taken)")
    public Uni<Response> save(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @HeaderParam("If-Match") String ifMatch, @HeaderParam("If-None-Match") String ifNoneMatch,
            @NotNull @Valid SaveSite body) {
        if (ifMatch != null && ifNoneMatch != null) {
            throw new ProblemException(400, "conflicting-preconditions", "Bad request",
                    "send If-Match to change a site or If-None-Match: * to create one, not both");
        }
        return service.save(siteId, tenant(), body.enabled(), body.document(), token.getName(), ifMatch, ifNoneMatch)
                .map(this::saved);
    }

    @POST
    @Path("/sites/{siteId}/validate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check a configuration without saving it: the errors a save would refuse, and the warnings")
    public Validation validate(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @NotNull @Valid SaveSite body) {
        tenant();
        SiteDocumentCheck check = service.check(body.document());
        return new Validation(check.ok(), check.errors(), check.warnings());
    }

    @GET
    @Path("/sites/{siteId}/history")
    @Operation(summary = "The site's versions, newest first: version, who saved it, when")
    public Uni<List<SiteConfigService.HistoryEntry>> history(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(500) int limit) {
        return service.history(siteId, tenant(), limit);
    }

    @GET
    @Path("/sites/{siteId}/history/{version}")
    @Operation(summary = "The document of one version, as it was saved")
    public Uni<SiteDocument> version(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @PathParam("version") @Min(1) long version) {
        return service.version(siteId, tenant(), version);
    }

    @POST
    @Path("/sites/{siteId}/history/{version}/restore")
    @Operation(summary = "Save an earlier version again, as a new version (If-Match required)")
    public Uni<Response> restore(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @PathParam("version") @Min(1) long version, @HeaderParam("If-Match") String ifMatch) {
        return service.restore(siteId, tenant(), version, token.getName(), ifMatch).map(this::saved);
    }

    @GET
    @Path("/sites/{siteId}/preview-page")
    @Operation(summary = "A page of the site read by the service for the admin page's preview: only a URL of one of"
            + " the site's allowed origins, HTML of at most 2 MiB, no redirects followed, no credentials sent")
    public Uni<PreviewPage> previewPage(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @QueryParam("url") @NotBlank @Size(max = 2000) String url) {
        String tenant = tenant();
        URI target;
        try {
            target = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw notAllowed("`" + url + "` is not a URL");
        }
        String origin = PreviewTarget.origin(target);
        if (origin == null) {
            throw notAllowed("only http and https URLs, without a user or password, can be previewed");
        }
        return service.forAdmin(siteId, tenant).chain(config -> {
            if (!config.allowedOrigins().contains(origin)) {
                return Uni.createFrom().failure(notAllowed(origin + " is not one of the allowed origins of site '"
                        + siteId + "': only the site's own pages can be previewed (add the origin and save first)"));
            }
            return pages.fetch(target).map(html -> new PreviewPage(target.toString(), html));
        });
    }

    private static ProblemException notAllowed(String detail) {
        return new ProblemException(400, "url-not-allowed", "URL not allowed", detail);
    }

    private Response saved(SiteConfigService.Saved saved) {
        // After the commit: this replica's tag readers see the new version at once, the others through the topic.
        cache.offer(saved.config());
        return Response.ok(AdminSite.of(saved.config(), saved.warnings()))
                .header("ETag", SiteConfigService.etag(saved.config().version())).build();
    }

    private String tenant() {
        String tenant = token.getClaim("tenant");
        if (tenant == null || tenant.isBlank()) {
            throw ProblemException.forbidden("no-tenant", "the admin's token names no tenant");
        }
        return tenant;
    }
}
