package dev.tandem.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The layout of the state directory: {@code kafka/}, {@code postgres/}, {@code keycloak/} (the server
 * and, in {@code data/}, its database), {@code logs/}, {@code work/<service>/} and
 * {@code stack.properties}, which remembers the base port the state was made for (the realm's redirect
 * URIs and the demo site's allowed origins are written once, so the same state cannot serve other
 * ports) and a hash of the realm Keycloak imported.
 */
record StateDir(Path root) {

    Path kafka() {
        return root.resolve("kafka");
    }

    Path postgres() {
        return root.resolve("postgres");
    }

    Path keycloak() {
        return root.resolve("keycloak");
    }

    Path logs() {
        return root.resolve("logs");
    }

    Path work(String name) {
        return root.resolve("work").resolve(name);
    }

    private Path stackFile() {
        return root.resolve("stack.properties");
    }

    /**
     * Empties what {@code freshState} resets: Kafka, PostgreSQL, Keycloak's database and the remembered
     * ports. The copied Keycloak server stays (copying and building it again takes most of a minute).
     */
    void reset() {
        deleteRecursively(kafka());
        deleteRecursively(root.resolve("kafka.properties"));
        deleteRecursively(postgres());
        deleteRecursively(keycloak().resolve("data"));
        deleteRecursively(root.resolve("work"));
        deleteRecursively(stackFile());
    }

    /**
     * Fails when the state was made for another base port. When the realm differs from the one
     * Keycloak's database was made with (the template changed since), empties that database, so that
     * Keycloak imports the realm again (Keycloak never re-imports a realm it has). Then remembers both.
     *
     * @return true when Keycloak's database was emptied
     */
    boolean claim(int basePort, String realm) {
        String realmHash = sha256(realm);
        try {
            Files.createDirectories(root);
            Properties p = new Properties();
            if (Files.exists(stackFile())) {
                try (Reader in = Files.newBufferedReader(stackFile(), StandardCharsets.UTF_8)) {
                    p.load(in);
                }
                String recorded = p.getProperty("basePort");
                if (recorded != null && !recorded.equals(String.valueOf(basePort))) {
                    throw new IllegalStateException("The state in " + root + " was made for base port " + recorded
                            + ", not " + basePort + " (Keycloak's redirect URIs and the demo site's allowed origins "
                            + "name the ports). Use the same base port, start with fresh state, or delete " + root + ".");
                }
            }
            boolean resetKeycloak = Files.exists(keycloak().resolve("data"))
                    && !realmHash.equals(p.getProperty("realmSha256"));
            if (resetKeycloak) {
                deleteRecursively(keycloak().resolve("data"));
            }
            p.setProperty("basePort", String.valueOf(basePort));
            p.setProperty("realmSha256", realmHash);
            try (Writer out = Files.newBufferedWriter(stackFile(), StandardCharsets.UTF_8)) {
                p.store(out, "tandem-local: the ports this state belongs to, and the realm Keycloak imported");
            }
            return resetKeycloak;
        } catch (IOException e) {
            throw new UncheckedIOException("could not use the state directory " + root, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }
}
