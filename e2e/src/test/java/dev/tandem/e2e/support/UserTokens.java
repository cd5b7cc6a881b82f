package dev.tandem.e2e.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;

/**
 * A realm user's access token through the console's public client (authorization code + PKCE), signed in
 * the way a browser does it: the local realm allows no password grant.
 */
public final class UserTokens {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private UserTokens() {
    }

    /** Signs {@code username} in (its password is its name in the local realm) and answers its access token. */
    public static String accessToken(Browser browser, URI keycloak, URI gateway, String username) throws Exception {
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(32));
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = gateway.resolve("/console/").toString();
        String authorize = keycloak.resolve("/realms/tandem/protocol/openid-connect/auth") + "?client_id=tandem-console"
                + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                + "&code_challenge_method=S256&code_challenge=" + challenge + "&state=e2e";
        BrowserContext context = browser.newContext();
        try {
            Page page = context.newPage();
            AtomicReference<String> code = new AtomicReference<>();
            // Keycloak redirects to the console with the code: read it from the URL (Playwright pumps while it waits).
            java.util.function.BooleanSupplier arrived = () -> {
                String url = page.url();
                if (url.startsWith(redirect) && URI.create(url).getRawQuery() != null) {
                    for (String part : URI.create(url).getRawQuery().split("&")) {
                        if (part.startsWith("code=")) {
                            code.set(java.net.URLDecoder.decode(part.substring(5), StandardCharsets.UTF_8));
                        }
                    }
                }
                return code.get() != null;
            };
            page.navigate(authorize);
            page.locator("#username").fill(username);
            page.locator("#password").fill(username);
            page.locator("#kc-login").click();
            page.waitForCondition(arrived, new Page.WaitForConditionOptions().setTimeout(15_000));
            String form = "grant_type=authorization_code&client_id=tandem-console&code="
                    + URLEncoder.encode(code.get(), StandardCharsets.UTF_8) + "&redirect_uri="
                    + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier;
            HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(
                    keycloak.resolve("/realms/tandem/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new AssertionError("no token for " + username + ": " + token.statusCode() + " " + token.body());
            }
            return JSON.readTree(token.body()).path("access_token").asText();
        } finally {
            context.close();
        }
    }
}
