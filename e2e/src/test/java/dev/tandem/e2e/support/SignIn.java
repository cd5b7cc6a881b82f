package dev.tandem.e2e.support;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Route;

/**
 * A user's access token through the console's public client (authorization code + PKCE), signed in through
 * Keycloak's login page in Chromium (Keycloak's cookies are Secure and SameSite=None: a browser handles them,
 * a plain HTTP client does not reliably), without the console spending the code.
 */
public final class SignIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SignIn() {
    }

    /**
     * Opens a page of ours with a Sign in button (the console, the admin page) and signs {@code username} in at
     * Keycloak's form (its password is its name in the local realm); the page comes back signed in.
     */
    public static void throughPage(Page page, URI address, String username) {
        page.navigate(address.toString());
        onPage(page, username);
    }

    /** Presses the open page's Sign in and signs {@code username} in at Keycloak's form. */
    public static void onPage(Page page, String username) {
        page.getByTestId("sign-in").click();
        page.locator("#username").fill(username);
        page.locator("#password").fill(username);
        page.locator("#kc-login").click();
    }

    public static String userToken(Browser browser, URI gateway, URI keycloak, String username) {
        try {
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(32));
            String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            String redirect = gateway.resolve("/console/").toString();
            String authorize = keycloak.resolve("/realms/tandem/protocol/openid-connect/auth") + "?client_id=tandem-console"
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&code_challenge_method=S256&code_challenge=" + challenge + "&state=e2e";
            AtomicReference<String> code = new AtomicReference<>();
            BrowserContext context = browser.newContext();
            try {
                // The redirect back to the console is answered here, so that the console never spends the code.
                context.route(url -> url.startsWith(redirect), route -> {
                    codeFrom(route.request().url(), code);
                    try {
                        route.fulfill(new Route.FulfillOptions().setStatus(200).setBody("signed in"));
                    } catch (PlaywrightException closing) {
                        // The context may already be closing: the code is all that was wanted from this request.
                    }
                });
                Page page = context.newPage();
                page.navigate(authorize);
                page.locator("#username").fill(username);
                page.locator("#password").fill(username);
                page.locator("#kc-login").click();
                page.waitForCondition(() -> {
                    if (code.get() == null && page.url().startsWith(redirect)) {
                        codeFrom(page.url(), code);
                    }
                    return code.get() != null;
                }, new Page.WaitForConditionOptions().setTimeout(30_000));
            } finally {
                closeQuietly(context, code.get() != null);
            }
            String form = "grant_type=authorization_code&client_id=tandem-console&code="
                    + URLEncoder.encode(code.get(), StandardCharsets.UTF_8) + "&redirect_uri="
                    + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier;
            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(
                    keycloak.resolve("/realms/tandem/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new AssertionError("token for " + username + ": " + token.statusCode() + " " + token.body());
            }
            return JSON.readTree(token.body()).path("access_token").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("signing in as " + username + ": " + e, e);
        }
    }

    /**
     * Closes the sign-in context. Once the code is here, a late event of the context (the answered redirect still
     * settling) failing on the closed context is of no interest; before that, it is the test's failure.
     */
    private static void closeQuietly(BrowserContext context, boolean haveCode) {
        try {
            context.close();
        } catch (PlaywrightException e) {
            if (!haveCode) {
                throw e;
            }
        }
    }

    private static void codeFrom(String url, AtomicReference<String> code) {
        String query = URI.create(url).getRawQuery();
        for (String part : query == null ? new String[0] : query.split("&")) {
            if (part.startsWith("code=")) {
                code.set(URLDecoder.decode(part.substring(5), StandardCharsets.UTF_8));
            }
        }
    }
}
