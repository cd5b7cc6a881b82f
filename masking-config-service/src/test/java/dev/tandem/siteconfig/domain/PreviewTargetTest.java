package dev.tandem.siteconfig.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.URI;

import org.junit.jupiter.api.Test;

class PreviewTargetTest {

    @Test
    void theOriginIsWrittenAsABrowserSendsIt() {
        assertEquals("https://shop.example.com", PreviewTarget.origin(URI.create("HTTPS://Shop.Example.com:443/a?b#c")));
        assertEquals("http://127.0.0.1:8090", PreviewTarget.origin(URI.create("http://127.0.0.1:8090/apply.html")));
        assertEquals("http://shop.example.com", PreviewTarget.origin(URI.create("http://shop.example.com:80")));
        assertNull(PreviewTarget.origin(URI.create("https://user:secret@shop.example.com/")), "credentials in the URL");
        assertNull(PreviewTarget.origin(URI.create("file:///etc/passwd")));
        assertNull(PreviewTarget.origin(URI.create("ftp://shop.example.com/")));
        assertNull(PreviewTarget.origin(URI.create("/apply.html")));
    }

    @Test
    void addressesOfTheServicesOwnNetworkAreRefused() throws Exception {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "100.64.0.1", "198.18.0.1", "224.0.0.1", "::1", "fe80::1", "fd00:ec2::254", "::"}) {
            assertNotNull(PreviewTarget.privateAddress(InetAddress.getByName(address)), address);
        }
        for (String address : new String[] {"93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111"}) {
            assertNull(PreviewTarget.privateAddress(InetAddress.getByName(address)), address);
        }
    }
}
