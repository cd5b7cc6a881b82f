package dev.tandem.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** The objects `kubectl kustomize` renders for an overlay, as JSON trees (rendered once per test run). */
final class Rendered {

    static final List<String> OVERLAYS = List.of("dev", "prod");

    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

    private Rendered() {
    }

    /** The k8s/ directory (tests run with the module directory as working directory). */
    static Path k8sDir() {
        Path dir = Path.of("").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("overlays"))) {
            dir = dir.resolve("k8s");
        }
        if (!Files.isDirectory(dir.resolve("overlays"))) {
            fail("cannot find k8s/overlays from " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static List<JsonNode> overlay(String name) {
        return CACHE.computeIfAbsent(name, n -> parse(kustomize(k8sDir().resolve("overlays").resolve(n))));
    }

    static List<JsonNode> ofKind(String overlay, String kind) {
        return overlay(overlay).stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static String kustomize(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is not installed or not on PATH (" + e.getMessage() + "). These tests"
                    + " render the overlays with `kubectl kustomize`: install Debian's package kubernetes-client"
                    + " (apt-get install kubernetes-client), or any kubectl 1.27 or newer.", e);
        }
        try {
            process.getOutputStream().close();
            byte[] out;
            byte[] err;
            try (InputStream o = process.getInputStream(); InputStream e = process.getErrorStream()) {
                ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
                Thread errReader = Thread.ofVirtual().start(() -> {
                    try {
                        e.transferTo(errBuf);
                    } catch (IOException ignored) {
                        // the exit code tells
                    }
                });
                out = o.readAllBytes();
                errReader.join();
                err = errBuf.toByteArray();
            }
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish in 2 minutes");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed (" + process.exitValue() + "):\n"
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static String id(JsonNode o) {
        return o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
    }

    static ObjectNode copy(JsonNode o) {
        return (ObjectNode) o.deepCopy();
    }
}
