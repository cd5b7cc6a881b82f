package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PageAddressTest {

    @Test
    void queryAndFragmentAreCutOff() {
        assertEquals("https://shop.example.com/claims/new",
                PageAddress.forAudit("https://shop.example.com/claims/new?email=jane%40example.com&card=4111#step2"));
        assertEquals("https://shop.example.com/a", PageAddress.forAudit("https://shop.example.com/a#x?y=1"));
        assertEquals("https://shop.example.com/", PageAddress.forAudit("https://shop.example.com/?q=secret"));
    }

    @Test
    void userInformationIsCutOut() {
        assertEquals("https://shop.example.com/account",
                PageAddress.forAudit("https://jane:hunter2@shop.example.com/account"));
        assertEquals("https://shop.example.com", PageAddress.forAudit("https://jane@shop.example.com"));
    }

    @Test
    void plainAddressesStayAsTheyAre() {
        assertEquals("http://localhost:8090/products/home-insurance",
                PageAddress.forAudit("http://localhost:8090/products/home-insurance"));
    }

    @Test
    void nothingOrOnlyAQueryIsNothing() {
        assertNull(PageAddress.forAudit(null));
        assertNull(PageAddress.forAudit("?token=abc"));
        assertNull(PageAddress.forAudit("   "));
    }

    @Test
    void longAddressesAndLabelsAreCapped() {
        String url = "https://x.example.com/" + "a".repeat(5000);
        assertEquals(PageAddress.MAX_LENGTH, PageAddress.forAudit(url).length());
        assertEquals("click", PageAddress.label(" click\n", 64));
        assertEquals(64, PageAddress.label("t".repeat(100), 64).length());
        assertNull(PageAddress.label("\n", 64));
    }
}
