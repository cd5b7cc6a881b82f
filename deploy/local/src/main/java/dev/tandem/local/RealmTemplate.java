package dev.tandem.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The Keycloak realm {@code tandem} of the local stack: {@code keycloak/tandem-realm.json} with the
 * origins of this stack filled in ({@code @@GATEWAY_ORIGIN@@}: the gateway serving the agent console,
 * {@code @@DEMO_ORIGIN@@}: the demo site, {@code @@CONFIG_ORIGIN@@}: masking-config-service serving the admin
 * page). The template avoids {@code ${…}}, which Keycloak's import
 * would read as an environment placeholder.
 */
final class RealmTemplate {

    static final String RESOURCE = "keycloak/tandem-realm.json";
    static final String GATEWAY_TOKEN = "@@GATEWAY_ORIGIN@@";
    static final String DEMO_TOKEN = "@@DEMO_ORIGIN@@";
    static final String CONFIG_TOKEN = "@@CONFIG_ORIGIN@@";

    /** Scheme, host and optional port only: nothing that could break out of a JSON string. */
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    private RealmTemplate() {
    }

    static String render(String gatewayOrigin, String demoOrigin, String configOrigin) {
        requireOrigin("gateway origin", gatewayOrigin);
        requireOrigin("demo origin", demoOrigin);
        requireOrigin("config service origin", configOrigin);
        String rendered = template().replace(GATEWAY_TOKEN, gatewayOrigin).replace(DEMO_TOKEN, demoOrigin)
                .replace(CONFIG_TOKEN, configOrigin);
        if (rendered.contains("@@")) {
            throw new IllegalStateException(RESOURCE + " has a placeholder the launcher does not fill");
        }
        try {
            Json.MAPPER.readTree(rendered);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(RESOURCE + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return rendered;
    }

    private static void requireOrigin(String what, String origin) {
        if (origin == null || !ORIGIN.matcher(origin).matches()) {
            throw new IllegalArgumentException(what + " must look like http://host:port, not " + origin);
        }
    }

    private static String template() {
        try (InputStream in = RealmTemplate.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
