package dev.tandem.siteconfig.domain;

import java.util.Locale;

/**
 * An allowed origin is written exactly as a browser sends it in the {@code Origin} header, because
 * the gateway compares the two as strings: {@code http} or {@code https}, a lower-case host name (or
 * IPv4 address), and a port only when it is not the scheme's default. No path (not even {@code /}), no
 * user, query or fragment, no wildcard: every origin is listed on its own.
 */
public final class AllowedOrigins {

    private AllowedOrigins() {
    }

    /** @return null when the origin is acceptable, otherwise why not */
    public static String problem(String origin) {
        if (origin == null || origin.isBlank()) {
            return "an origin cannot be empty";
        }
        String scheme;
        if (origin.startsWith("https://")) {
            scheme = "https";
        } else if (origin.startsWith("http://")) {
            scheme = "http";
        } else {
            return "`" + origin + "` must start with http:// or https:// (lower case)";
        }
        String rest = origin.substring(scheme.length() + 3);
        if (rest.contains("*")) {
            return "`" + origin + "`: wildcards are not supported; list each origin";
        }
        int slash = indexOfAny(rest, "/?#");
        if (slash >= 0) {
            return "`" + origin + "`: an origin has no path, query or fragment (write `" + scheme + "://"
                    + rest.substring(0, slash) + "`)";
        }
        if (rest.contains("@")) {
            return "`" + origin + "`: an origin has no user name";
        }
        String host = rest;
        String port = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            host = rest.substring(0, colon);
            port = rest.substring(colon + 1);
        }
        if (!host.equals(host.toLowerCase(Locale.ROOT))) {
            return "`" + origin + "`: browsers send the host in lower case (write `" + scheme + "://"
                    + rest.toLowerCase(Locale.ROOT) + "`)";
        }
        if (!validHost(host)) {
            return "`" + origin + "`: `" + host + "` is not a valid host name";
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                    || port.startsWith("0") || Integer.parseInt(port) > 65535) {
                return "`" + origin + "`: the port must be a number from 1 to 65535";
            }
            if ((scheme.equals("https") && port.equals("443")) || (scheme.equals("http") && port.equals("80"))) {
                return "`" + origin + "`: browsers leave out the default port (write `" + scheme + "://" + host + "`)";
            }
        }
        return null;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Letters, digits and hyphens in dot-separated labels of 1 to 63, 253 in all, no label starting or ending in a hyphen. */
    private static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 253 || host.endsWith(".")) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }
}
