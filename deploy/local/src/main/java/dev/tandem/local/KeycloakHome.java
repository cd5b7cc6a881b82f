package dev.tandem.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Keycloak server of the stack: the distribution unpacked at build time in
 * {@code deploy/local/target/keycloak}, copied into {@code <state>/keycloak} on first use (Keycloak
 * writes its build and its H2 database into its own folder), with the realm file in
 * {@code data/import}.
 */
final class KeycloakHome {

    private KeycloakHome() {
    }

    static String version() {
        try (InputStream in = KeycloakHome.class.getClassLoader().getResourceAsStream("tandem-local.properties")) {
            if (in == null) {
                throw new IllegalStateException("tandem-local.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("keycloak.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unpacked distribution of the build, or a clear error saying how to get it. */
    static Path distribution(Path repoRoot) {
        String version = version();
        Path dist = repoRoot.resolve("deploy/local/target/keycloak/keycloak-" + version);
        if (!Files.isRegularFile(dist.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("The Keycloak " + version + " distribution is missing: " + dist
                    + " does not exist. Build the launcher first: ./mvnw -B -f deploy/local/pom.xml install");
        }
        return dist;
    }

    /**
     * Where a Keycloak server that has already built itself for {@code start-dev} is kept, next to the
     * unpacked distribution, so that a new state directory (every e2e run) starts from it instead of
     * from the bare distribution, which spends most of a minute building itself on its first start.
     */
    static Path preparedCache(Path distribution) {
        return distribution.resolveSibling(distribution.getFileName() + "-dev");
    }

    /**
     * Copies the server to {@code home} unless it is there: the prepared one when there is one, the
     * distribution otherwise. Through a temporary folder, so a copy cut short is redone.
     */
    static void prepare(Path distribution, Path home) {
        if (Files.isRegularFile(home.resolve("bin/kc.sh")) && Files.isRegularFile(home.resolve("lib/quarkus-run.jar"))) {
            return;
        }
        Path prepared = preparedCache(distribution);
        Path source = Files.isRegularFile(prepared.resolve("bin/kc.sh")) ? prepared : distribution;
        Path partial = home.resolveSibling(home.getFileName() + ".partial");
        try {
            StateDir.deleteRecursively(partial);
            StateDir.deleteRecursively(home);
            copyTree(source, partial, null);
            makeScriptsExecutable(partial);
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy Keycloak from " + source + " to " + home, e);
        }
    }

    /**
     * After a start: keeps the server of {@code home} (its build, without its {@code data/}) as the
     * prepared one, unless there is one already. Best effort: a failure only costs time later.
     */
    static void rememberPrepared(Path distribution, Path home) {
        Path prepared = preparedCache(distribution);
        if (Files.exists(prepared)) {
            return;
        }
        Path partial = prepared.resolveSibling(prepared.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            copyTree(home, partial, home.resolve("data"));
            Files.move(partial, prepared, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            // another launcher was quicker, or the disk is full: the next start copies the distribution
        } finally {
            try {
                StateDir.deleteRecursively(partial);
            } catch (UncheckedIOException e) {
                // left for `mvn clean`
            }
        }
    }

    private static void makeScriptsExecutable(Path home) throws IOException {
        try (Stream<Path> scripts = Files.list(home.resolve("bin"))) {
            for (Path script : scripts.filter(p -> p.toString().endsWith(".sh")).toList()) {
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(script));
                perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE));
                Files.setPosixFilePermissions(script, perms);
            }
        }
    }

    /** Writes the realm for {@code --import-realm} (Keycloak skips it when the realm exists already). */
    static void writeRealm(Path home, String realmJson) {
        try {
            Path importDir = Files.createDirectories(home.resolve("data/import"));
            Files.writeString(importDir.resolve("tandem-realm.json"), realmJson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the realm into " + home, e);
        }
    }

    /** Copies {@code from} to {@code to}, leaving out {@code except} (a folder inside {@code from}) when not null. */
    private static void copyTree(Path from, Path to, Path except) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(except)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
