package dev.tandem.siteconfig.domain.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.tandem.siteconfig.domain.selector.CssTokenizer.Token;
import dev.tandem.siteconfig.domain.selector.CssTokenizer.Type;

/**
 * Decides whether a masking rule's selector is one the visitor's browser will apply: the grammar of
 * Selectors Level 4 as Chromium's {@code querySelectorAll} accepts it, read from the tokens of CSS
 * Syntax Level 3. It never accepts a selector that Chromium refuses (a rule the tag cannot apply would
 * leak what it was meant to hide). Where it is stricter than Chromium it says so in its message; the
 * stricter cases are listed in the README:
 * <ul>
 * <li>pseudo-elements ({@code ::before}, {@code :after}): valid CSS, but they never match an element;</li>
 * <li>namespace prefixes ({@code svg|rect}, {@code *|a}, {@code |a}, {@code [xlink|href]});</li>
 * <li>pseudo-classes outside {@link #PSEUDO_CLASSES} and {@link #FUNCTIONS} (shadow-DOM ones, vendor
 * prefixes other than {@code -webkit-autofill}, {@code :state()}, the nesting selector {@code &});</li>
 * <li>empty or forgiving lists: {@code :is()}, {@code :where(a, ::before)};</li>
 * <li>a string or comment that is not closed, {@code :lang()} with anything but one identifier,
 * {@code :dir()} with anything but {@code ltr} or {@code rtl}, the {@code s} attribute flag;</li>
 * <li>more than {@value #MAX_LENGTH} characters or more than {@value #MAX_DEPTH} nested pseudo-class
 * functions.</li>
 * </ul>
 */
public final class SelectorValidator {

    /** Longest selector accepted, in characters (Unicode code points). */
    public static final int MAX_LENGTH = 512;
    /** Deepest nesting of {@code :not()}, {@code :is()}, {@code :where()}, {@code :has()}, {@code :nth-*(… of …)}. */
    public static final int MAX_DEPTH = 8;

    /** Pseudo-classes without arguments that Chromium supports (names are ASCII case-insensitive). */
    static final Set<String> PSEUDO_CLASSES = Set.of(
            "active", "any-link", "autofill", "-webkit-autofill", "checked", "default", "defined", "disabled",
            "empty", "enabled", "first-child", "first-of-type", "focus", "focus-visible", "focus-within",
            "fullscreen", "hover", "in-range", "indeterminate", "invalid", "last-child", "last-of-type", "link",
            "modal", "only-child", "only-of-type", "optional", "out-of-range", "placeholder-shown",
            "popover-open", "read-only", "read-write", "required", "root", "scope", "target", "user-invalid",
            "user-valid", "valid", "visited");

    /** Functional pseudo-classes supported here. */
    static final Set<String> FUNCTIONS = Set.of("not", "is", "where", "has", "nth-child", "nth-last-child",
            "nth-of-type", "nth-last-of-type", "lang", "dir");

    /** The CSS 2 pseudo-elements that may still be written with one colon. */
    private static final Set<String> LEGACY_PSEUDO_ELEMENTS = Set.of("before", "after", "first-line",
            "first-letter");

    /** Pseudo-classes that depend on what the visitor is doing: a rule using them is off the rest of the time. */
    private static final Map<String, String> STATEFUL = Map.of(
            "hover", "while the pointer is over it",
            "active", "while it is being pressed",
            "focus", "while it has the focus",
            "focus-visible", "while it shows a focus ring",
            "focus-within", "while it or a descendant has the focus",
            "visited", "never in a script (browsers hide which links were visited)");

    /** The outcome: {@code error} is null when the selector is accepted; warnings may come with either. */
    public record Result(String error, List<String> warnings) {

        public boolean valid() {
            return error == null;
        }
    }

    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private final List<Token> tokens;
    private final List<String> warnings = new ArrayList<>();
    private int pos;

    private SelectorValidator(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Checks one selector. */
    public static Result check(String selector) {
        if (selector == null || selector.isBlank()) {
            return new Result("the selector is empty", List.of());
        }
        int length = selector.codePointCount(0, selector.length());
        if (length > MAX_LENGTH) {
            return new Result("the selector is " + length + " characters long; at most " + MAX_LENGTH
                    + " are allowed", List.of());
        }
        if (CssTokenizer.hasUnclosedComment(selector)) {
            return new Result("a comment (`/*`) is not closed", List.of());
        }
        SelectorValidator parser = new SelectorValidator(CssTokenizer.tokenize(selector));
        try {
            parser.skipWhitespace();
            if (parser.peek().type() == Type.EOF) {
                return new Result("the selector is empty", List.of());
            }
            parser.selectorList(false, false, 0, Type.EOF);
            return new Result(null, List.copyOf(parser.warnings));
        } catch (Invalid e) {
            return new Result(e.getMessage(), List.copyOf(parser.warnings));
        }
    }

    // ---- token access

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token take() {
        Token t = tokens.get(pos);
        if (t.type() != Type.EOF) {
            pos++;
        }
        return t;
    }

    private boolean skipWhitespace() {
        boolean any = false;
        while (peek().type() == Type.WHITESPACE) {
            pos++;
            any = true;
        }
        return any;
    }

    private static Invalid invalid(Token at, String message) {
        return new Invalid(message + " (at character " + (at.start() + 1) + ")");
    }

    private static Invalid unexpected(Token at, String expected) {
        return invalid(at, "unexpected " + at.describe() + (expected == null ? "" : "; expected " + expected));
    }

    // ---- grammar

    /** {@code <complex-selector-list>} (or {@code <relative-selector-list>} inside {@code :has()}), up to {@code end}. */
    private void selectorList(boolean relative, boolean inHas, int depth, Type end) {
        while (true) {
            skipWhitespace();
            if (peek().type() == end || peek().type() == Type.COMMA) {
                throw invalid(peek(), peek().type() == Type.COMMA ? "a selector is missing before `,`"
                        : end == Type.EOF ? "a selector is missing after `,` (a trailing comma makes the whole list invalid)"
                                : "a selector is missing in the parentheses");
            }
            complex(relative, inHas, depth, end);
            skipWhitespace();
            Token t = peek();
            if (t.type() == Type.COMMA) {
                take();
                skipWhitespace();
                if (peek().type() == end) {
                    throw invalid(t, "trailing comma: a selector list cannot end with `,`");
                }
                continue;
            }
            if (t.type() == end) {
                if (end != Type.EOF) {
                    take();
                }
                return;
            }
            throw unexpected(t, null);
        }
    }

    private static boolean isCombinator(Token t) {
        return t.isDelim('>') || t.isDelim('+') || t.isDelim('~');
    }

    private void complex(boolean relative, boolean inHas, int depth, Type end) {
        Token first = peek();
        if (isCombinator(first)) {
            if (!relative) {
                throw invalid(first, "a selector cannot start with the combinator " + first.describe()
                        + " (only inside `:has()`)");
            }
            take();
            skipWhitespace();
        }
        compound(inHas, depth);
        while (true) {
            boolean space = skipWhitespace();
            Token t = peek();
            if (t.type() == end || t.type() == Type.COMMA) {
                return;
            }
            if (isCombinator(t)) {
                take();
                skipWhitespace();
                if (peek().type() == end || peek().type() == Type.COMMA) {
                    throw invalid(t, "the selector ends with the combinator " + t.describe());
                }
                if (isCombinator(peek())) {
                    throw invalid(peek(), "two combinators in a row");
                }
            } else if (t.isDelim('|') && peek(1).isDelim('|')) {
                throw invalid(t, "the column combinator `||` is not supported by browsers");
            } else if (!space) {
                throw unexpected(t, null);
            }
            compound(inHas, depth);
        }
    }

    private void compound(boolean inHas, int depth) {
        int start = pos;
        Token t = peek();
        if (t.type() == Type.IDENT || t.isDelim('*')) {
            take();
            if (peek().isDelim('|') && !peek(1).isDelim('|')) {
                throw namespace(t);
            }
        } else if (t.isDelim('|')) {
            throw namespace(t);
        }
        while (true) {
            t = peek();
            switch (t.type()) {
                case HASH -> {
                    if (!t.idHash()) {
                        throw invalid(t, "`#" + t.value() + "` is not a valid ID selector: an ID selector must be"
                                + " an identifier, which cannot start with a digit or a dash and a digit" + escapeHint(t.value()));
                    }
                    take();
                }
                case DELIM -> {
                    if (t.delim() == '.') {
                        take();
                        Token name = peek();
                        if (name.type() != Type.IDENT) {
                            throw invalid(name, "`.` must be followed by a class name (an identifier), not "
                                    + name.describe() + (name.type() == Type.NUMBER || name.type() == Type.DIMENSION
                                            ? " (a class name cannot start with a digit; escape it)" : ""));
                        }
                        take();
                    } else if (t.delim() == '&') {
                        throw invalid(t, "the nesting selector `&` is not allowed in a masking rule");
                    } else if (t.delim() == '*' || t.delim() == '|') {
                        throw invalid(t, t.delim() == '|' ? "namespace prefixes are not allowed"
                                : "`*` must come first in a compound selector");
                    } else {
                        end(start, t);
                        return;
                    }
                }
                case LEFT_BRACKET -> attribute();
                case COLON -> pseudo(inHas, depth);
                case IDENT -> throw invalid(t, "a type selector such as " + t.describe()
                        + " must come first in a compound selector");
                default -> {
                    end(start, t);
                    return;
                }
            }
        }
    }

    /** For {@code 123abc}: "(escape the digit: `#\31 23abc`)". */
    private static String escapeHint(String value) {
        if (value.isEmpty() || value.charAt(0) < '0' || value.charAt(0) > '9') {
            return "";
        }
        return " (escape the digit: `#\\3" + value.charAt(0) + " " + value.substring(1) + "`)";
    }

    private void end(int start, Token t) {
        if (pos == start) {
            if (t.type() == Type.NUMBER || t.type() == Type.DIMENSION || t.type() == Type.PERCENTAGE) {
                throw invalid(t, "unexpected a number: a type or class name cannot start with a digit (escape it,"
                        + " e.g. `.\\31 23` for the class 123)");
            }
            throw unexpected(t, "a type, `*`, `#id`, `.class`, `[attribute]` or `:pseudo-class`");
        }
    }

    private static Invalid namespace(Token at) {
        return invalid(at, "namespace prefixes (`svg|rect`, `*|a`, `|a`) are not allowed: querySelector knows no"
                + " namespace prefix and the tag could not apply the rule");
    }

    private void attribute() {
        Token open = take();
        skipWhitespace();
        Token name = peek();
        if (name.isDelim('|') || (name.isDelim('*') && peek(1).isDelim('|'))) {
            throw namespace(name);
        }
        if (name.type() != Type.IDENT) {
            throw unexpected(name, "an attribute name");
        }
        take();
        if (peek().isDelim('|') && !peek(1).isDelim('=')) {
            throw namespace(peek());
        }
        skipWhitespace();
        Token op = peek();
        if (op.type() == Type.RIGHT_BRACKET) {
            take();
            return;
        }
        if (op.type() == Type.EOF) {
            throw invalid(open, "`[` is not closed");
        }
        if (op.isDelim('=')) {
            take();
        } else if ((op.isDelim('~') || op.isDelim('|') || op.isDelim('^') || op.isDelim('$') || op.isDelim('*'))
                && peek(1).isDelim('=')) {
            take();
            take();
        } else {
            throw unexpected(op, "`]` or an operator (`=`, `~=`, `|=`, `^=`, `$=`, `*=`)");
        }
        skipWhitespace();
        Token value = take();
        if (value.type() == Type.STRING) {
            if (value.unclosed()) {
                throw invalid(value, "the string is not closed");
            }
        } else if (value.type() == Type.BAD_STRING) {
            throw invalid(value, "a string cannot contain a line break");
        } else if (value.type() != Type.IDENT) {
            throw invalid(value, "an attribute value must be an identifier or a quoted string, not " + value.describe()
                    + (value.type() == Type.NUMBER || value.type() == Type.DIMENSION ? " (quote it: [a=\"1\"])" : ""));
        }
        String text = value.value();
        if (text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"')
                && text.charAt(text.length() - 1) == text.charAt(0)) {
            warnings.add("the attribute value " + text + " includes its quote characters, so it matches only an"
                    + " attribute whose value has literal quotes; write [" + name.value() + "=" + text
                    + "] without backslashes or extra quotes if you meant the plain value");
        }
        skipWhitespace();
        Token flag = peek();
        if (flag.type() == Type.IDENT) {
            if (!flag.value().equalsIgnoreCase("i")) {
                throw invalid(flag, "unknown attribute flag " + flag.describe() + " (only `i` is allowed)");
            }
            take();
            skipWhitespace();
        }
        Token close = take();
        if (close.type() != Type.RIGHT_BRACKET) {
            throw close.type() == Type.EOF ? invalid(open, "`[` is not closed") : unexpected(close, "`]`");
        }
    }

    private void pseudo(boolean inHas, int depth) {
        Token colon = take();
        Token t = peek();
        if (t.type() == Type.COLON) {
            throw invalid(colon, "pseudo-elements such as `::" + (peek(1).value() == null ? "" : peek(1).value())
                    + "` are not elements, so the rule could never match anything");
        }
        if (t.type() == Type.IDENT) {
            take();
            String name = t.value().toLowerCase(Locale.ROOT);
            if (LEGACY_PSEUDO_ELEMENTS.contains(name)) {
                throw invalid(colon, "`:" + t.value() + "` is a pseudo-element (old single-colon syntax), not an"
                        + " element, so the rule could never match anything");
            }
            if (!PSEUDO_CLASSES.contains(name)) {
                throw invalid(t, "unknown or unsupported pseudo-class `:" + t.value() + "`");
            }
            String when = STATEFUL.get(name);
            if (when != null) {
                warnings.add("`:" + name + "` makes the rule apply only " + when + "; the element is not covered"
                        + " by it at other times");
            }
            return;
        }
        if (t.type() != Type.FUNCTION) {
            throw unexpected(t, "a pseudo-class name after `:`");
        }
        take();
        String name = t.value().toLowerCase(Locale.ROOT);
        if (!FUNCTIONS.contains(name)) {
            throw invalid(t, "unknown or unsupported pseudo-class `:" + t.value() + "()`");
        }
        if (depth + 1 > MAX_DEPTH) {
            throw invalid(t, "pseudo-classes are nested more than " + MAX_DEPTH + " deep");
        }
        skipWhitespace();
        switch (name) {
            case "not", "is", "where" -> selectorList(false, inHas, depth + 1, Type.RIGHT_PAREN);
            case "has" -> {
                if (inHas) {
                    throw invalid(t, "`:has()` cannot be used inside `:has()`");
                }
                selectorList(true, true, depth + 1, Type.RIGHT_PAREN);
            }
            case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type" -> {
                anPlusB(t);
                boolean space = skipWhitespace();
                Token of = peek();
                if (of.type() == Type.IDENT && of.value().equalsIgnoreCase("of") && name.endsWith("child")) {
                    if (!space) {
                        throw unexpected(of, null);
                    }
                    take();
                    if (!skipWhitespace()) {
                        throw invalid(of, "a space must follow `of`");
                    }
                    selectorList(false, inHas, depth + 1, Type.RIGHT_PAREN);
                } else {
                    closeParen(t);
                }
            }
            case "lang" -> {
                Token tag = take();
                if (tag.type() != Type.IDENT) {
                    throw invalid(tag, "`:lang()` takes one language tag such as `en` or `de-CH`");
                }
                skipWhitespace();
                closeParen(t);
            }
            case "dir" -> {
                Token dir = take();
                if (dir.type() != Type.IDENT || !(dir.value().equalsIgnoreCase("ltr") || dir.value().equalsIgnoreCase("rtl"))) {
                    throw invalid(dir, "`:dir()` takes `ltr` or `rtl`");
                }
                skipWhitespace();
                closeParen(t);
            }
            default -> throw new IllegalStateException(name);
        }
    }

    private void closeParen(Token function) {
        Token close = take();
        if (close.type() == Type.EOF) {
            throw invalid(function, "`:" + function.value() + "(` is not closed");
        }
        if (close.type() != Type.RIGHT_PAREN) {
            throw unexpected(close, "`)`");
        }
    }

    // ---- An+B (CSS Syntax 3, section 6.2)

    private Invalid badNth(Token at) {
        return invalid(at, "not a valid An+B expression (such as `odd`, `even`, `3`, `2n+1`, `-n+3`)");
    }

    private void anPlusB(Token function) {
        Token t = take();
        switch (t.type()) {
            case IDENT -> {
                String v = t.value().toLowerCase(Locale.ROOT);
                if (v.equals("odd") || v.equals("even")) {
                    return;
                }
                nIdent(t, v, true);
            }
            case NUMBER -> {
                if (!t.integer()) {
                    throw badNth(t);
                }
            }
            case DIMENSION -> {
                if (!t.integer()) {
                    throw badNth(t);
                }
                nIdent(t, t.value().toLowerCase(Locale.ROOT), false);
            }
            case DELIM -> {
                if (!t.isDelim('+') || peek().type() != Type.IDENT) {
                    throw badNth(t);
                }
                Token ident = take();
                String v = ident.value().toLowerCase(Locale.ROOT);
                if (v.startsWith("-")) {
                    throw badNth(ident);
                }
                nIdent(ident, v, false);
            }
            case RIGHT_PAREN, EOF -> throw invalid(function, "`:" + function.value() + "()` needs an argument");
            default -> throw badNth(t);
        }
    }

    /** {@code v}: the ident (or a dimension's unit), lower-cased; {@code dashAllowed}: {@code -n…} may appear. */
    private void nIdent(Token at, String v, boolean dashAllowed) {
        String rest = v;
        if (dashAllowed && rest.startsWith("-")) {
            rest = rest.substring(1);
        }
        if (rest.equals("n")) {
            optionalB();
        } else if (rest.equals("n-")) {
            skipWhitespace();
            Token b = take();
            if (b.type() != Type.NUMBER || !b.integer() || b.signed()) {
                throw badNth(b);
            }
        } else if (rest.startsWith("n-") && rest.length() > 2 && rest.substring(2).chars().allMatch(c -> c >= '0' && c <= '9')) {
            return;
        } else {
            throw badNth(at);
        }
    }

    private void optionalB() {
        int mark = pos;
        skipWhitespace();
        Token t = peek();
        if (t.type() == Type.NUMBER && t.integer() && t.signed()) {
            take();
            return;
        }
        if (t.isDelim('+') || t.isDelim('-')) {
            take();
            skipWhitespace();
            Token b = take();
            if (b.type() != Type.NUMBER || !b.integer() || b.signed()) {
                throw badNth(b);
            }
            return;
        }
        pos = mark;
    }
}
