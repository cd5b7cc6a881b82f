package dev.tandem.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;

import dev.tandem.local.LocalStack;

/**
 * What every e2e class starts once: the whole stack on its own base port (services as processes, Kafka,
 * PostgreSQL, Keycloak: {@link LocalStack}) and Debian's Chromium through Playwright. Closing stops all of it,
 * the browser first.
 */
record BrowserStack(LocalStack stack, Playwright playwright, Browser browser) implements AutoCloseable {

    /** A fresh stack with a new, empty state directory named after the class's purpose. */
    static BrowserStack start(String name, int basePort) {
        return start(stateDir(name), basePort, true);
    }

    /** A stack on a state directory the caller may have prepared (a service's config file, say). */
    static BrowserStack start(Path state, int basePort, boolean freshState) {
        Path repo = Path.of(System.getProperty("tandem.repo-root", "..")).toAbsolutePath().normalize();
        LocalStack stack = LocalStack.start(new LocalStack.Options(repo, state, basePort, freshState));
        Playwright playwright = null;
        try {
            playwright = Browsers.playwright();
            return new BrowserStack(stack, playwright, Browsers.launch(playwright));
        } catch (RuntimeException e) {
            if (playwright != null) {
                playwright.close();
            }
            stack.close();
            throw e;
        }
    }

    static Path stateDir(String name) {
        try {
            return Files.createTempDirectory("tandem-e2e-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            browser.close();
            playwright.close();
        } finally {
            stack.close();
        }
    }
}
