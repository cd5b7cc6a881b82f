package dev.tandem.gateway.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The address of the visitor's page as the audit trail keeps it: scheme, host, port and path. The query
 * string, the fragment and any user information are cut off, because they can hold personal data
 * (search terms, e-mail addresses, tokens); the tag cuts them already, the gateway does it again.
 */
public final class PageAddress {

    /** A {@code page} message is small: anything longer is not one. */
    public static final int MAX_MESSAGE = 4096;
    public static final int MAX_LENGTH = 2048;

    private PageAddress() {
    }

    /** The {@code url} of a {@code page} message, cut as above; null when the message or its URL is not usable. */
    public static String fromPageMessage(String frame, ObjectMapper json) {
        if (frame == null || frame.length() > MAX_MESSAGE) {
            return null;
        }
        try {
            JsonNode url = json.readTree(frame).get("url");
            return url != null && url.isTextual() ? forAudit(url.textValue()) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** http(s) only; null for anything else, for an address without a host, or one longer than 2048 characters. */
    public static String forAudit(String url) {
        if (url == null || url.length() > MAX_LENGTH) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return null;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String address = scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path;
        return address.chars().anyMatch(Character::isISOControl) ? null : address;
    }
}
