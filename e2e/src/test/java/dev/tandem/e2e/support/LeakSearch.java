package dev.tandem.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Searches the places data can come to rest for a marker (a regular expression): every record of every Kafka
 * topic, every row of every table of the given databases, every file under a directory. Each finding names
 * where it was and the text that matched, never more.
 */
public final class LeakSearch {

    /** What one place held: how much was looked at and what matched. */
    public record Searched(String place, long items, List<String> findings) {
    }

    private LeakSearch() {
    }

    /** Every match of {@code marker} in {@code text}, as "where: match". */
    public static List<String> find(Pattern marker, String where, String text) {
        List<String> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher m = marker.matcher(text);
        while (m.find()) {
            found.add(where + ": " + m.group());
        }
        return found;
    }

    /** All topics (internal ones too), read from the beginning to their end offsets. */
    public static Searched kafka(String bootstrap, Pattern marker) {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<TopicPartition> partitions = new ArrayList<>();
        try (AdminClient client = AdminClient.create(admin)) {
            Set<String> topics = client.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
            Map<String, TopicDescription> described = client.describeTopics(topics).allTopicNames().get();
            described.values().forEach(d -> d.partitions()
                    .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the Kafka topics: " + e, e);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        List<String> findings = new ArrayList<>();
        long records = 0;
        Set<String> topicNames = new java.util.TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka was not read to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    topicNames.add(r.topic());
                    String where = "kafka " + r.topic() + "/" + r.partition() + "@" + r.offset();
                    findings.addAll(find(marker, where + " key", text(r.key())));
                    findings.addAll(find(marker, where + " value", text(r.value())));
                    r.headers().forEach(h -> findings.addAll(find(marker, where + " header " + h.key(), text(h.value()))));
                }
            }
        }
        return new Searched("kafka " + topicNames, records, findings);
    }

    /** Every row of every table outside the system schemas, cast to text. */
    public static Searched database(String jdbcUrl, String user, String password, Pattern marker) {
        List<String> findings = new ArrayList<>();
        long rows = 0;
        List<String> tables = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            try (ResultSet t = s.executeQuery("select quote_ident(table_schema) || '.' || quote_ident(table_name) "
                    + "from information_schema.tables where table_type = 'BASE TABLE' "
                    + "and table_schema not in ('pg_catalog', 'information_schema')")) {
                while (t.next()) {
                    tables.add(t.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet r = s.executeQuery("select t::text from " + table + " t")) {
                    while (r.next()) {
                        rows++;
                        findings.addAll(find(marker, jdbcUrl.replaceAll(".*/", "db ") + " " + table, r.getString(1)));
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read " + jdbcUrl + ": " + e.getMessage(), e);
        }
        return new Searched(jdbcUrl.replaceAll(".*/", "db ") + " " + tables, rows, findings);
    }

    /** Every regular file under {@code dir}, read as UTF-8 (and as Latin-1 for bytes that are not text). */
    public static Searched files(Path dir, Pattern marker) {
        List<String> findings = new ArrayList<>();
        long files = 0;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files++;
                byte[] bytes = Files.readAllBytes(file);
                findings.addAll(find(marker, "file " + dir.relativize(file), new String(bytes, StandardCharsets.ISO_8859_1)));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return new Searched("files under " + dir, files, findings);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
