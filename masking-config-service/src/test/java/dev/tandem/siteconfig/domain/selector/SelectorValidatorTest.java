package dev.tandem.siteconfig.domain.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorValidatorTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "div", "*", "#account", ".secret", "input[type=password]", "input[type='password']",
            "input[type=\"password\"]", "[data-tandem-mask]", "a > b", "a + b", "a ~ b", "a b", " div ",
            "#id\\@123", "#\\31 23abc", ".\\31 0", ".a\\:b", "#\\-1", ".-x", ".--x", "._x", "#é", ".日本",
            "input:not([type=hidden])", "div:is(.a, .b)", "div:where(#x)", "div:has(> p)", "div:has(+ p, ~ p, p)",
            "li:nth-child(2n+1)", "li:nth-child( 2n + 1 )", "li:nth-child(odd)", "li:nth-child(EVEN)",
            "li:nth-child(-n+3)", "li:nth-child(n)", "li:nth-child(+n)", "li:nth-child(2n-1)", "li:nth-child(2n- 1)",
            "li:nth-child(-n- 1)", "li:nth-child(5)", "li:nth-child(+5)", "li:nth-last-of-type(3n)",
            "li:nth-child(2n+1 of .a)", "p:lang(en)", "p:dir(rtl)", "input:CHECKED", "DIV.A#B[c]:first-child",
            "[a~=b]", "[a|=b]", "[a^=b]", "[a$=b]", "[a*=b]", "[ a = b i ]", "[a='b' I]", "a/* note */ b",
            "input[name=\\'secure\\']", "a:hover", ".a,.b", ".a , .b"
    })
    void acceptsWhatChromiumAccepts(String selector) {
        SelectorValidator.Result result = SelectorValidator.check(selector);
        assertNull(result.error(), selector + ": " + result.error());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", textBlock = """
            #123abc => not a valid ID selector
            #-1 => not a valid ID selector
            .123 => cannot start with a digit
            svg|rect => namespace
            *|rect => namespace
            |rect => namespace
            [xlink|href] => namespace
            div, => trailing comma
            ,div => missing before
            'div, ,p' => missing before
            input::before => pseudo-element
            input:before => pseudo-element
            p::first-line => pseudo-element
            div:is(::after) => pseudo-element
            a > => ends with the combinator
            > a => cannot start with the combinator
            a > > b => two combinators
            a || b => column combinator
            .a* => must come first
            div:foo => unknown or unsupported pseudo-class
            div:foo() => unknown or unsupported pseudo-class
            div:not() => missing in the parentheses
            div:is() => missing in the parentheses
            div:has(:has(a)) => inside `:has()`
            li:nth-child(2n+) => An+B
            li:nth-child(+ n) => An+B
            li:nth-child(1.5) => An+B
            li:nth-child(n+-1) => An+B
            li:nth-child() => needs an argument
            li:nth-of-type(2n of .a) => unexpected
            [a=1] => quote it
            '[a="b' => not closed
            [a => not closed
            div:not(a => unexpected
            [a=b s] => attribute flag
            & => nesting selector
            'div{}' => unexpected `{`
            a;b => unexpected `;`
            /* x => comment
            @media => unexpected
            div! => unexpected `!`
            """)
    void refusesNamingWhy(String selector, String why) {
        SelectorValidator.Result result = SelectorValidator.check(selector);
        assertFalse(result.valid(), selector + " was accepted");
        assertTrue(result.error().contains(why), selector + ": " + result.error());
    }

    @Test
    void refusesEmptyAndOverLongSelectors() {
        assertEquals("the selector is empty", SelectorValidator.check("").error());
        assertEquals("the selector is empty", SelectorValidator.check("   ").error());
        assertEquals("the selector is empty", SelectorValidator.check("/* only a comment */").error());
        String ok = ".a" + "b".repeat(SelectorValidator.MAX_LENGTH - 2);
        assertTrue(SelectorValidator.check(ok).valid());
        assertTrue(SelectorValidator.check(ok + "c").error().contains("at most 512"));
        String deep = "a" + ":not(a".repeat(SelectorValidator.MAX_DEPTH + 1) + ")".repeat(SelectorValidator.MAX_DEPTH + 1);
        assertTrue(SelectorValidator.check(deep).error().contains("nested"), SelectorValidator.check(deep).error());
    }

    @Test
    void theErrorSaysWhereAndSuggestsTheEscape() {
        String error = SelectorValidator.check("#123abc").error();
        assertTrue(error.contains("#\\31 23abc"), error);
        assertTrue(error.contains("at character 1"), error);
        assertTrue(SelectorValidator.check("div > p,").error().contains("at character 8"));
    }

    @Test
    void warnsAboutAttributeValuesWithLiteralQuotes() {
        SelectorValidator.Result result = SelectorValidator.check("input[name=\\'secure\\']");
        assertTrue(result.valid());
        assertEquals(1, result.warnings().size());
        assertTrue(result.warnings().get(0).contains("literal quotes"), result.warnings().get(0));
        assertEquals(1, SelectorValidator.check("input[name=\"'secure'\"]").warnings().size());
        assertEquals(List.of(), SelectorValidator.check("input[name='secure']").warnings());
    }

    @Test
    void warnsThatAStatefulPseudoClassLeavesTheElementUncoveredMostOfTheTime() {
        SelectorValidator.Result result = SelectorValidator.check("input:focus");
        assertTrue(result.valid());
        assertTrue(result.warnings().get(0).contains("while it has the focus"), result.warnings().toString());
    }

    @Test
    void tokenizesEscapesAsCssSyntaxSays() {
        var tokens = CssTokenizer.tokenize("#\\31 23abc");
        assertEquals(CssTokenizer.Type.HASH, tokens.get(0).type());
        assertEquals("123abc", tokens.get(0).value());
        assertTrue(tokens.get(0).idHash());
        var plain = CssTokenizer.tokenize("#123abc").get(0);
        assertEquals("123abc", plain.value());
        assertFalse(plain.idHash());
        assertEquals("id@123", CssTokenizer.tokenize("#id\\@123").get(0).value());
        assertEquals("\uFFFD", CssTokenizer.tokenize("\\0").get(0).value());
        assertEquals(CssTokenizer.Type.DIMENSION, CssTokenizer.tokenize("2n-1").get(0).type());
        assertEquals("n-1", CssTokenizer.tokenize("2n-1").get(0).value());
    }
}
