package dev.tandem.infra;

import java.util.List;
import java.util.Map;

/**
 * The Kafka topics of ARCHITECTURE.md with their partitions and retention. One list, used by the
 * local launcher, the test broker and (as figures) the Kubernetes manifests' policy test.
 */
public final class Topics {

    public record Topic(String name, int partitions, Map<String, String> configs) {
    }

    private static final String DAYS_7 = String.valueOf(7L * 24 * 3600 * 1000);
    private static final String HOURS_6 = String.valueOf(6L * 3600 * 1000);
    private static final String MINUTES_10 = String.valueOf(10L * 60 * 1000);

    public static final List<Topic> ALL = List.of(
            new Topic("tandem.invite-events", 6, Map.of("retention.ms", DAYS_7)),
            new Topic("tandem.session-events", 6, Map.of("retention.ms", DAYS_7)),
            new Topic("tandem.site-config", 3, Map.of("cleanup.policy", "compact")),
            new Topic("tandem.gateway-events", 6, Map.of("retention.ms", HOURS_6)),
            new Topic("tandem.chat-events", 6, Map.of("retention.ms", DAYS_7)),
            // A sealed 1 MiB frame is a little over the broker's default 1 MiB record limit.
            new Topic("tandem.relay", 12, Map.of("retention.ms", MINUTES_10, "segment.ms", MINUTES_10,
                    "max.message.bytes", "4194304")));

    private Topics() {
    }
}
