package dev.tandem.siteconfig.domain.selector;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer of CSS Syntax Level 3 (section 4), as far as a selector needs it: the same code
 * points become the same tokens as in the browser, so that escapes ({@code #\31 23}, {@code .a\@b}),
 * identifiers and hashes are read exactly as Chromium reads them. Comments are dropped. The
 * {@code url(} special case is not made: a url token can never be part of a valid selector, and as a
 * function token it is refused just the same.
 */
final class CssTokenizer {

    enum Type {
        IDENT, FUNCTION, AT_KEYWORD, HASH, STRING, BAD_STRING, DELIM, NUMBER, PERCENTAGE, DIMENSION,
        WHITESPACE, CDO, CDC, COLON, SEMICOLON, COMMA, LEFT_BRACKET, RIGHT_BRACKET, LEFT_PAREN, RIGHT_PAREN,
        LEFT_BRACE, RIGHT_BRACE, EOF
    }

    /**
     * One token. {@code value}: the name of an ident, function, at-keyword or hash, the text of a
     * string, the unit of a dimension. {@code delim}: the code point of a delim token. {@code idHash}:
     * a hash whose value is an identifier (type flag "id"). {@code integer}/{@code signed}: the number's
     * type flag and whether its text starts with a sign. {@code unclosed}: a string or comment that ran
     * into the end of the input. {@code start}: offset (in code points) in the input.
     */
    record Token(Type type, String value, int delim, boolean idHash, boolean integer, boolean signed,
            double number, boolean unclosed, int start) {

        boolean isDelim(int c) {
            return type == Type.DELIM && delim == c;
        }

        String describe() {
            return switch (type) {
                case IDENT -> "`" + value + "`";
                case FUNCTION -> "`" + value + "(`";
                case AT_KEYWORD -> "`@" + value + "`";
                case HASH -> "`#" + value + "`";
                case STRING, BAD_STRING -> "a string";
                case DELIM -> "`" + Character.toString(delim) + "`";
                case NUMBER, PERCENTAGE, DIMENSION -> "a number";
                case WHITESPACE -> "white space";
                case CDO -> "`<!--`";
                case CDC -> "`-->`";
                case COLON -> "`:`";
                case SEMICOLON -> "`;`";
                case COMMA -> "`,`";
                case LEFT_BRACKET -> "`[`";
                case RIGHT_BRACKET -> "`]`";
                case LEFT_PAREN -> "`(`";
                case RIGHT_PAREN -> "`)`";
                case LEFT_BRACE -> "`{`";
                case RIGHT_BRACE -> "`}`";
                case EOF -> "the end of the selector";
            };
        }
    }

    private static final int EOF = -1;
    private static final int REPLACEMENT = 0xFFFD;

    private final int[] cp;
    private int pos;
    private boolean unclosedComment;

    private CssTokenizer(String input) {
        this.cp = preprocess(input);
    }

    /** All tokens of the input, ending with one EOF token; comments dropped. */
    static List<Token> tokenize(String input) {
        CssTokenizer tokenizer = new CssTokenizer(input);
        List<Token> tokens = new ArrayList<>();
        Token token;
        do {
            token = tokenizer.next();
            tokens.add(token);
        } while (token.type() != Type.EOF);
        return tokens;
    }

    /** True when a comment was not closed before the end of the input. */
    static boolean hasUnclosedComment(String input) {
        CssTokenizer tokenizer = new CssTokenizer(input);
        while (tokenizer.next().type() != Type.EOF) {
            // keep reading
        }
        return tokenizer.unclosedComment;
    }

    /** Section 3.3: newlines normalised, NUL and lone surrogates replaced. */
    private static int[] preprocess(String input) {
        int[] raw = input.codePoints().toArray();
        int[] out = new int[raw.length];
        int n = 0;
        for (int i = 0; i < raw.length; i++) {
            int c = raw[i];
            if (c == '\r') {
                if (i + 1 < raw.length && raw[i + 1] == '\n') {
                    i++;
                }
                c = '\n';
            } else if (c == '\f') {
                c = '\n';
            } else if (c == 0 || (c >= 0xD800 && c <= 0xDFFF)) {
                c = REPLACEMENT;
            }
            out[n++] = c;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private int at(int offset) {
        int i = pos + offset;
        return i < cp.length ? cp[i] : EOF;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isIdentStart(int c) {
        return isLetter(c) || c >= 0x80 || c == '_';
    }

    static boolean isIdentChar(int c) {
        return isIdentStart(c) || isDigit(c) || c == '-';
    }

    private static boolean isWhitespace(int c) {
        return c == '\n' || c == '\t' || c == ' ';
    }

    private static boolean validEscape(int first, int second) {
        return first == '\\' && second != '\n';
    }

    private static boolean startsIdent(int c1, int c2, int c3) {
        if (c1 == '-') {
            return isIdentStart(c2) || c2 == '-' || validEscape(c2, c3);
        }
        if (isIdentStart(c1)) {
            return true;
        }
        return c1 == '\\' && validEscape(c1, c2);
    }

    private static boolean startsNumber(int c1, int c2, int c3) {
        if (c1 == '+' || c1 == '-') {
            return isDigit(c2) || (c2 == '.' && isDigit(c3));
        }
        if (c1 == '.') {
            return isDigit(c2);
        }
        return isDigit(c1);
    }

    private Token token(Type type, String value, int start) {
        return new Token(type, value, 0, false, false, false, 0, false, start);
    }

    private Token next() {
        consumeComments();
        int start = pos;
        int c = at(0);
        if (c == EOF) {
            return token(Type.EOF, null, start);
        }
        if (isWhitespace(c)) {
            while (isWhitespace(at(0))) {
                pos++;
            }
            return token(Type.WHITESPACE, null, start);
        }
        switch (c) {
            case '"', '\'':
                pos++;
                return string(c, start);
            case '#':
                if (isIdentChar(at(1)) || validEscape(at(1), at(2))) {
                    pos++;
                    boolean id = startsIdent(at(0), at(1), at(2));
                    String name = identSequence();
                    return new Token(Type.HASH, name, 0, id, false, false, 0, false, start);
                }
                return delim(start);
            case '(':
                pos++;
                return token(Type.LEFT_PAREN, null, start);
            case ')':
                pos++;
                return token(Type.RIGHT_PAREN, null, start);
            case '[':
                pos++;
                return token(Type.LEFT_BRACKET, null, start);
            case ']':
                pos++;
                return token(Type.RIGHT_BRACKET, null, start);
            case '{':
                pos++;
                return token(Type.LEFT_BRACE, null, start);
            case '}':
                pos++;
                return token(Type.RIGHT_BRACE, null, start);
            case ',':
                pos++;
                return token(Type.COMMA, null, start);
            case ':':
                pos++;
                return token(Type.COLON, null, start);
            case ';':
                pos++;
                return token(Type.SEMICOLON, null, start);
            case '+', '.':
                if (startsNumber(at(0), at(1), at(2))) {
                    return numeric(start);
                }
                return delim(start);
            case '-':
                if (startsNumber(at(0), at(1), at(2))) {
                    return numeric(start);
                }
                if (at(1) == '-' && at(2) == '>') {
                    pos += 3;
                    return token(Type.CDC, null, start);
                }
                if (startsIdent(at(0), at(1), at(2))) {
                    return identLike(start);
                }
                return delim(start);
            case '<':
                if (at(1) == '!' && at(2) == '-' && at(3) == '-') {
                    pos += 4;
                    return token(Type.CDO, null, start);
                }
                return delim(start);
            case '@':
                if (startsIdent(at(1), at(2), at(3))) {
                    pos++;
                    return token(Type.AT_KEYWORD, identSequence(), start);
                }
                return delim(start);
            case '\\':
                if (validEscape(at(0), at(1))) {
                    return identLike(start);
                }
                return delim(start);
            default:
                if (isDigit(c)) {
                    return numeric(start);
                }
                if (isIdentStart(c)) {
                    return identLike(start);
                }
                return delim(start);
        }
    }

    private void consumeComments() {
        while (at(0) == '/' && at(1) == '*') {
            pos += 2;
            while (true) {
                if (at(0) == EOF) {
                    unclosedComment = true;
                    return;
                }
                if (at(0) == '*' && at(1) == '/') {
                    pos += 2;
                    break;
                }
                pos++;
            }
        }
    }

    private Token delim(int start) {
        int c = at(0);
        pos++;
        return new Token(Type.DELIM, null, c, false, false, false, 0, false, start);
    }

    private Token string(int quote, int start) {
        StringBuilder value = new StringBuilder();
        while (true) {
            int c = at(0);
            if (c == EOF) {
                return new Token(Type.STRING, value.toString(), 0, false, false, false, 0, true, start);
            }
            if (c == quote) {
                pos++;
                return token(Type.STRING, value.toString(), start);
            }
            if (c == '\n') {
                // Not consumed: a newline ends a string badly.
                return token(Type.BAD_STRING, null, start);
            }
            if (c == '\\') {
                if (at(1) == EOF) {
                    pos++;
                } else if (at(1) == '\n') {
                    pos += 2;
                } else {
                    pos++;
                    value.appendCodePoint(escaped());
                }
                continue;
            }
            value.appendCodePoint(c);
            pos++;
        }
    }

    /** Section 4.3.7, called after the backslash. */
    private int escaped() {
        int c = at(0);
        if (c == EOF) {
            return REPLACEMENT;
        }
        if (isHex(c)) {
            int value = 0;
            int digits = 0;
            while (digits < 6 && isHex(at(0))) {
                value = value * 16 + Character.digit(at(0), 16);
                pos++;
                digits++;
            }
            if (isWhitespace(at(0))) {
                pos++;
            }
            if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
                return REPLACEMENT;
            }
            return value;
        }
        pos++;
        return c;
    }

    private String identSequence() {
        StringBuilder name = new StringBuilder();
        while (true) {
            int c = at(0);
            if (isIdentChar(c)) {
                name.appendCodePoint(c);
                pos++;
            } else if (validEscape(c, at(1))) {
                pos++;
                name.appendCodePoint(escaped());
            } else {
                return name.toString();
            }
        }
    }

    private Token identLike(int start) {
        String name = identSequence();
        if (at(0) == '(') {
            pos++;
            return token(Type.FUNCTION, name, start);
        }
        return token(Type.IDENT, name, start);
    }

    private Token numeric(int start) {
        StringBuilder repr = new StringBuilder();
        boolean integer = true;
        boolean signed = at(0) == '+' || at(0) == '-';
        if (signed) {
            repr.appendCodePoint(at(0));
            pos++;
        }
        while (isDigit(at(0))) {
            repr.appendCodePoint(at(0));
            pos++;
        }
        if (at(0) == '.' && isDigit(at(1))) {
            integer = false;
            repr.append('.');
            pos++;
            while (isDigit(at(0))) {
                repr.appendCodePoint(at(0));
                pos++;
            }
        }
        if ((at(0) == 'e' || at(0) == 'E')
                && (isDigit(at(1)) || ((at(1) == '+' || at(1) == '-') && isDigit(at(2))))) {
            integer = false;
            repr.append('e');
            pos++;
            if (at(0) == '+' || at(0) == '-') {
                repr.appendCodePoint(at(0));
                pos++;
            }
            while (isDigit(at(0))) {
                repr.appendCodePoint(at(0));
                pos++;
            }
        }
        double number = Double.parseDouble(repr.toString());
        if (startsIdent(at(0), at(1), at(2))) {
            String unit = identSequence();
            return new Token(Type.DIMENSION, unit, 0, false, integer, signed, number, false, start);
        }
        if (at(0) == '%') {
            pos++;
            return new Token(Type.PERCENTAGE, null, 0, false, integer, signed, number, false, start);
        }
        return new Token(Type.NUMBER, null, 0, false, integer, signed, number, false, start);
    }
}
