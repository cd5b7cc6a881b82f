package dev.tandem.siteconfig.domain;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/**
 * Which pages the admin page's preview may load through this service: only pages of the site itself (an
 * origin among its allowed origins), over http or https, without credentials in the URL, and, unless the
 * deployment allows it, only on public addresses, so that an admin cannot make the service read from its
 * own network (the cloud's metadata address, other services).
 */
public final class PreviewTarget {

    private PreviewTarget() {
    }

    /** The URL's origin as a browser writes it ({@code https://host}, a port only when not the default), or null. */
    public static String origin(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null || url.getRawUserInfo() != null) {
            return null;
        }
        int port = url.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /** Why an address may not be fetched from (loopback, private, link-local and the like), or null when it is public. */
    public static String privateAddress(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return "a private (unique local) address";
        }
        if (b.length == 4 && ((b[0] & 0xff) == 0 || ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64)
                || ((b[0] & 0xff) == 198 && (b[1] & 0xfe) == 18))) {
            return "a reserved address";
        }
        return null;
    }
}
