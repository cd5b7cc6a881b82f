package dev.tandem.siteconfig.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.platform.problem.ProblemException;
import dev.tandem.siteconfig.config.AdminPageConfig;
import dev.tandem.siteconfig.domain.PreviewTarget;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;

/**
 * Reads one page of a site for the admin page's preview. The host is resolved once, every address is
 * checked ({@link PreviewTarget#privateAddress}), and the request goes to the checked address (the name
 * only in {@code Host} and TLS), so a name that resolves differently a moment later cannot point the
 * request elsewhere. No cookies or credentials are sent, redirects are not followed, the answer must be
 * HTML of at most {@value #MAX_BYTES} bytes and arrive within {@link #TIMEOUT}.
 */
@ApplicationScoped
public class PreviewPageFetcher {

    static final int MAX_BYTES = 2 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(8);
    private static final java.util.regex.Pattern CHARSET = java.util.regex.Pattern.compile("(?i)charset=\"?([A-Za-z0-9._:-]+)");

    private final HttpClient client;
    private final boolean privateAddresses;

    public PreviewPageFetcher(Vertx vertx, AdminPageConfig config) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(3_000)
                .setIdleTimeout(8)
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setMaxHeaderSize(16 * 1024));
        this.privateAddresses = config.previewPrivateAddresses();
    }

    /** The page's HTML; 400 {@code url-not-allowed} or 502 {@code preview-fetch-failed} otherwise. */
    public Uni<String> fetch(URI url) {
        return Uni.createFrom().item(() -> resolve(url))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(address -> request(url, address));
    }

    private InetAddress resolve(URI url) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            throw failed("the host " + url.getHost() + " is not known");
        }
        if (!privateAddresses) {
            for (InetAddress address : addresses) {
                String why = PreviewTarget.privateAddress(address);
                if (why != null) {
                    throw new ProblemException(400, "url-not-allowed", "URL not allowed",
                            "the preview does not load pages from " + url.getHost() + ": it resolves to " + why);
                }
            }
        }
        return addresses[0];
    }

    private Uni<String> request(URI url, InetAddress address) {
        boolean https = url.getScheme().equalsIgnoreCase("https");
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setHost(url.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setTimeout(TIMEOUT.toMillis())
                .putHeader("Accept", "text/html,application/xhtml+xml")
                .putHeader("User-Agent", "Tandem-admin-preview/1");
        return client.request(options)
                .chain(request -> request.send())
                .chain(response -> {
                    int status = response.statusCode();
                    if (status >= 300 && status < 400) {
                        String location = response.getHeader("Location");
                        return Uni.createFrom().failure(failed("the page answered " + status + " (a redirect"
                                + (location == null ? "" : " to " + location) + "); redirects are not followed:"
                                + " use the address it redirects to"));
                    }
                    if (status != 200) {
                        return Uni.createFrom().failure(failed("the page answered " + status));
                    }
                    String type = String.valueOf(response.getHeader("Content-Type")).toLowerCase(Locale.ROOT);
                    if (!type.startsWith("text/html") && !type.startsWith("application/xhtml+xml")) {
                        return Uni.createFrom().failure(failed("the page is not HTML (Content-Type " + type + ")"));
                    }
                    String length = response.getHeader("Content-Length");
                    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BYTES) {
                        return Uni.createFrom().failure(tooLarge());
                    }
                    Charset charset = charset(type);
                    return response.toMulti()
                            .collect().in(Buffer::buffer, (all, part) -> {
                                if (all.length() + part.length() > MAX_BYTES) {
                                    throw tooLarge();
                                }
                                all.appendBuffer(part);
                            })
                            .map(all -> new String(all.getBytes(), charset));
                })
                .ifNoItem().after(TIMEOUT).failWith(() -> failed("the page did not answer within "
                        + TIMEOUT.toSeconds() + " s"))
                .onFailure(e -> !(e instanceof ProblemException))
                .transform(e -> failed("the page could not be read (" + e.getClass().getSimpleName() + ")"));
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (RuntimeException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static ProblemException tooLarge() {
        return failed("the page is larger than " + MAX_BYTES / (1024 * 1024) + " MiB");
    }

    private static ProblemException failed(String detail) {
        return new ProblemException(502, "preview-fetch-failed", "The page could not be loaded", detail);
    }
}
