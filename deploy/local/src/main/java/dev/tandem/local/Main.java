package dev.tandem.local;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar deploy/local/target/tandem-local-launcher.jar}: starts the whole stack with the standard
 * ports and the state in {@code <repo>/.local}, prints what to open, and stops everything on Ctrl-C.
 */
public final class Main {

    private static final String USAGE = """
            Usage: java -jar deploy/local/target/tandem-local-launcher.jar [--fresh] [--base-port=N] [--state-dir=DIR] [--repo=DIR]
              --fresh          forget the data of earlier runs (Kafka, PostgreSQL, Keycloak's users and realm)
              --base-port=N    ports N+81..N+84, N+90, N+180, N+33, N+92 instead of the standard ones
              --state-dir=DIR  keep the state in DIR instead of <repo>/.local
              --repo=DIR       the Tandem repository (found from the jar's location otherwise)""";

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
        PrintStream out = System.out;
        boolean fresh = false;
        int basePort = 0;
        Path repo = null;
        Path stateDir = null;
        try {
            for (String arg : args) {
                if (arg.equals("--fresh")) {
                    fresh = true;
                } else if (arg.startsWith("--base-port=")) {
                    basePort = Integer.parseInt(arg.substring("--base-port=".length()));
                } else if (arg.startsWith("--state-dir=")) {
                    stateDir = Path.of(arg.substring("--state-dir=".length()));
                } else if (arg.startsWith("--repo=")) {
                    repo = Path.of(arg.substring("--repo=".length()));
                } else if (arg.equals("--help") || arg.equals("-h")) {
                    out.println(USAGE);
                    return;
                } else {
                    System.err.println("Unknown argument " + arg + "\n" + USAGE);
                    System.exit(64);
                }
            }
        } catch (NumberFormatException e) {
            System.err.println("--base-port needs a number\n" + USAGE);
            System.exit(64);
        }
        if (repo == null) {
            repo = findRepo();
        }
        if (stateDir == null) {
            stateDir = repo.resolve(".local");
        }

        out.println("Starting Tandem from " + repo.toAbsolutePath().normalize() + " (state in " + stateDir
                + "; the first start takes a minute or two, Keycloak prepares itself). Ctrl-C stops everything.");
        LocalStack stack = new LocalStack(new LocalStack.Options(repo, stateDir, basePort, fresh));
        try {
            stack.startAll();
        } catch (PortInUseException e) {
            exit(2, e.getMessage());
            return;
        } catch (RuntimeException e) {
            exit(1, "Tandem did not start: " + e.getMessage()
                    + (Files.isDirectory(stack.logDir()) ? "\nLogs: " + stack.logDir() : ""));
            return;
        }
        printSummary(out, stack);
        stack.awaitClosed();
        out.println("Tandem stopped.");
    }

    private static void exit(int code, String message) {
        System.err.println(message);
        if (!shuttingDown()) {
            System.exit(code);
        }
        // Ctrl-C during the start: the stack's shutdown hook has stopped everything; the JVM is exiting.
    }

    private static boolean shuttingDown() {
        try {
            Thread probe = new Thread(() -> { });
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * The repository holding this jar ({@code deploy/local/target/tandem-local-launcher.jar}), else the first
     * parent of the working directory that has {@code deploy/local}.
     */
    static Path findRepo() {
        try {
            Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("deploy/local/pom.xml"))) {
                    return p;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall back to the working directory
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/local/pom.xml"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static void printSummary(PrintStream out, LocalStack stack) {
        Map<String, Duration> times = stack.startTimes();
        Duration total = times.getOrDefault("total", Duration.ZERO);
        out.println();
        out.println("Tandem is running (ready in " + total.toSeconds() + " s). Ctrl-C stops everything.");
        out.println();
        row(out, "Demo brand site", stack.demoSite() + "/");
        row(out, "Chat platform (demo)", stack.demoSite() + "/chat-platform.html");
        row(out, "Agent console", stack.gateway() + "/console/");
        row(out, "Admin page", stack.configService() + "/admin/");
        row(out, "Keycloak admin console", stack.keycloak() + "/admin/  (user " + LocalStack.KEYCLOAK_ADMIN
                + ", password " + LocalStack.KEYCLOAK_ADMIN_PASSWORD + ")");
        apiDocs(out, "invite-service", stack.inviteService());
        apiDocs(out, "session-service", stack.sessionService());
        apiDocs(out, "masking-config-service", stack.configService());
        apiDocs(out, "relay-gateway", stack.gateway());
        row(out, "Kafka", stack.kafkaBootstrapServers());
        row(out, "PostgreSQL", stack.postgresJdbcUrl("<invites|sessions|siteconfig>") + " (postgres/postgres)");
        row(out, "Logs", stack.logDir().toString());
        out.println();
        out.println("Demo logins (local demo only; each password is the user name):");
        out.println("  agent1, agent2   role agent         sign in to the agent console");
        out.println("  supervisor1      role supervisor");
        out.println("  admin1           role tandem-admin  tenant demo; sign in to the admin page");
        out.println("  client " + LocalStack.CHAT_PLATFORM_CLIENT + " (client credentials), secret "
                + LocalStack.CHAT_PLATFORM_SECRET + ": the demo chat platform");
        out.println();
        out.println("Try it: open the demo site, start a chat, then invite that chat from the chat platform page;");
        out.println("sign in to the agent console as agent1 to see the visitor's page.");
        out.println();
        out.println("Start-up times:");
        times.forEach((piece, took) -> {
            if (!piece.equals("total")) {
                out.printf("  %-24s %6.1f s%n", piece, took.toMillis() / 1000.0);
            }
        });
    }

    /** Swagger UI where the service ships it, its OpenAPI document otherwise, nothing when it has neither. */
    private static void apiDocs(PrintStream out, String service, URI base) {
        URI swagger = base.resolve("/q/swagger-ui/");
        URI openapi = base.resolve("/q/openapi");
        if (answers(swagger)) {
            row(out, "Swagger UI " + service, swagger.toString());
        } else if (answers(openapi)) {
            row(out, "OpenAPI " + service, openapi.toString());
        }
    }

    private static boolean answers(URI uri) {
        try {
            HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf("  %-36s %s%n", label, value);
    }
}
