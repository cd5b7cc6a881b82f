package dev.tandem.session.domain;

/**
 * The address of a page the visitor opened, as the audit trail keeps it: without query string and fragment
 * (they may hold personal data: search terms, tokens, e-mail addresses) and without user information in the
 * authority. The gateway strips them already; this is done again, defensively, before anything is stored.
 */
public final class PageAddress {

    public static final int MAX_LENGTH = 2048;

    private PageAddress() {
    }

    /** The address without query, fragment and user information, at most {@link #MAX_LENGTH} characters; or {@code null}. */
    public static String forAudit(String url) {
        if (url == null) {
            return null;
        }
        String s = url.strip();
        int cut = indexOfAny(s, '?', '#');
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            int authorityStart = scheme + 3;
            int authorityEnd = s.indexOf('/', authorityStart);
            String authority = authorityEnd < 0 ? s.substring(authorityStart) : s.substring(authorityStart, authorityEnd);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                s = s.substring(0, authorityStart) + authority.substring(at + 1)
                        + (authorityEnd < 0 ? "" : s.substring(authorityEnd));
            }
        }
        s = s.replaceAll("\\p{Cntrl}", "");
        if (s.isEmpty()) {
            return null;
        }
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    /** A short label from a gateway (a message type, a reason): printable, at most {@code max} characters. */
    public static String label(String value, int max) {
        if (value == null) {
            return null;
        }
        String s = value.replaceAll("\\p{Cntrl}", "").strip();
        if (s.isEmpty()) {
            return null;
        }
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        if (i < 0) {
            return j;
        }
        return j < 0 ? i : Math.min(i, j);
    }
}
