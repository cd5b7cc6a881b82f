package dev.tandem.e2e.support;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the wire nodes of docs/protocol.md by hand, for documents no honest tag would send. Ids are fresh
 * for each builder (one builder per forged snapshot).
 */
public final class Forged {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger ids = new AtomicInteger();

    public int nextId() {
        return ids.incrementAndGet();
    }

    public ObjectNode el(String tag, Map<String, String> attrs, JsonNode... children) {
        ObjectNode node = JSON.createObjectNode().put("id", nextId()).put("type", 1).put("tag", tag);
        ObjectNode a = node.putObject("attrs");
        attrs.forEach(a::put);
        ArrayNode c = node.putArray("children");
        for (JsonNode child : children) {
            c.add(child);
        }
        return node;
    }

    public ObjectNode svg(String tag, Map<String, String> attrs, JsonNode... children) {
        ObjectNode node = el(tag, attrs, children);
        node.put("ns", "svg");
        return node;
    }

    public ObjectNode text(String text) {
        return JSON.createObjectNode().put("id", nextId()).put("type", 3).put("text", text);
    }

    public ObjectNode document(ObjectNode head, ObjectNode body) {
        ObjectNode doc = JSON.createObjectNode().put("id", nextId()).put("type", 9);
        ArrayNode children = doc.putArray("children");
        children.addObject().put("id", nextId()).put("type", 10).put("name", "html");
        children.add(el("html", Map.of(), head, body));
        return doc;
    }

    /** A {@code snapshot} message (without {@code seq} when it goes into a chunk's payload). */
    public static ObjectNode snapshot(Long seq, long snapshotId, String url, ObjectNode root) {
        ObjectNode s = JSON.createObjectNode().put("t", "snapshot");
        if (seq != null) {
            s.put("seq", seq);
        }
        s.put("snapshotId", snapshotId).put("url", url).put("title", "forged");
        s.putObject("viewport").put("w", 1280).put("h", 800);
        s.putObject("scroll").put("x", 0).put("y", 0);
        s.set("root", root);
        return s;
    }
}
