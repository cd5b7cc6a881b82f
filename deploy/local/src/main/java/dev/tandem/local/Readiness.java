package dev.tandem.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Polls an HTTP address until it answers 200, the child process dies, or the time is up. */
final class Readiness {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final int TAIL_LINES = 40;

    private Readiness() {
    }

    /**
     * Waits for {@code uri} to answer 200.
     *
     * @param child the process that should answer, checked for life between attempts; null for none
     * @throws IllegalStateException naming the piece, the address and the last lines of its log
     */
    static void await(String name, URI uri, Duration timeout, ChildProcess child) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (true) {
            if (child != null && !child.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + child.exitCode()
                        + " before it was ready. Last lines of " + child.logFile() + ":\n"
                        + child.logTail(TAIL_LINES));
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            if (System.nanoTime() > deadline) {
                String log = child == null ? "" : " Last lines of " + child.logFile() + ":\n" + child.logTail(TAIL_LINES);
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s ("
                        + uri + " last answered: " + last + ")." + log);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }
}
