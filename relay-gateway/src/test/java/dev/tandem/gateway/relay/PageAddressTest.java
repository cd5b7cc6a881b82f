package dev.tandem.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.relay.MessagePolicy.Verdict;
import dev.tandem.gateway.security.JoinToken.Role;

/** The page address the audit trail keeps, and who may send a {@code page} message. */
class PageAddressTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void queryFragmentAndUserInformationNeverReachTheAuditTrail() {
        assertEquals("https://shop.example:8443/claims/new",
                PageAddress.forAudit("https://jane:pw@Shop.Example:8443/claims/new?email=jane@example.com#step2"));
        assertEquals("http://localhost:8090/apply.html", PageAddress.forAudit("http://localhost:8090/apply.html?q=1"));
        assertEquals("https://shop.example/", PageAddress.forAudit("https://shop.example"));
        assertEquals("https://shop.example/", PageAddress.forAudit("HTTPS://shop.example/#top"));
        assertEquals("https://shop.example/a%20b", PageAddress.forAudit("https://shop.example/a%20b?x"));
    }

    @Test
    void onlyWebPagesWithAHostAndAReasonableLength() {
        assertNull(PageAddress.forAudit("javascript:alert(1)"));
        assertNull(PageAddress.forAudit("data:text/html,<b>x</b>"));
        assertNull(PageAddress.forAudit("file:///etc/passwd"));
        assertNull(PageAddress.forAudit("/relative/path"));
        assertNull(PageAddress.forAudit("https:///no-host"));
        assertNull(PageAddress.forAudit("not a url at all"));
        assertNull(PageAddress.forAudit("https://shop.example/" + "a".repeat(2100)));
        assertNull(PageAddress.forAudit(null));
    }

    @Test
    void thePageMessagesUrlIsReadAndNothingElse() {
        assertEquals("https://shop.example/cart",
                PageAddress.fromPageMessage("{\"t\":\"page\",\"url\":\"https://shop.example/cart?coupon=JANE\"}", JSON));
        assertNull(PageAddress.fromPageMessage("{\"t\":\"page\"}", JSON));
        assertNull(PageAddress.fromPageMessage("{\"t\":\"page\",\"url\":42}", JSON));
        assertNull(PageAddress.fromPageMessage("{\"t\":\"page\",\"url\":{\"href\":\"https://shop.example/\"}}", JSON));
        assertNull(PageAddress.fromPageMessage("{\"t\":\"page\",\"url\":\"https://shop.example/\",\"pad\":\""
                + "x".repeat(PageAddress.MAX_MESSAGE) + "\"}", JSON), "a page message is small");
    }

    @Test
    void onlyTheVisitorSendsPagesAndTheGatewayKeepsThemForItself() {
        assertEquals(Verdict.AUDIT, MessagePolicy.decide(Role.VISITOR, Mode.VIEW_ONLY, "page"));
        assertEquals(Verdict.AUDIT, MessagePolicy.decide(Role.VISITOR, Mode.SHARED, "page"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.AGENT, Mode.SHARED, "page"));
        assertEquals(Verdict.REFUSE, MessagePolicy.decide(Role.OBSERVER, Mode.VIEW_ONLY, "page"));
        assertEquals(Verdict.RELAY, MessagePolicy.decide(Role.VISITOR, Mode.VIEW_ONLY, "snapshot"), "unchanged");
    }
}
