package dev.tandem.e2e.faults;

import java.util.LinkedHashMap;
import java.util.Map;

/** The figures the soak compares, read from the gateway's Prometheus text at /q/metrics. */
public record GatewayMetrics(double heapUsedBytes, double liveThreads, double visitorConnections,
        double agentConnections, double sessions, double openHttpConnections) {

    static GatewayMetrics parse(String text) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                continue;
            }
            sums.merge(key(series), value, Double::sum);
        }
        return new GatewayMetrics(
                sums.getOrDefault("jvm_memory_used_bytes{area=\"heap\"}", Double.NaN),
                sums.getOrDefault("jvm_threads_live_threads", Double.NaN),
                sums.getOrDefault("tandem_gateway_connections{role=\"visitor\"}", Double.NaN),
                sums.getOrDefault("tandem_gateway_connections{role=\"agent\"}", Double.NaN),
                sums.getOrDefault("tandem_gateway_sessions", Double.NaN),
                sums.getOrDefault("http_server_active_connections", Double.NaN));
    }

    /** A series name with only the label this record distinguishes (area for memory, role for connections). */
    private static String key(String series) {
        int brace = series.indexOf('{');
        String name = brace < 0 ? series : series.substring(0, brace);
        if (brace >= 0) {
            for (String label : new String[] { "area", "role" }) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + label + "=\"([^\"]*)\"")
                        .matcher(series);
                if (m.find()) {
                    return name + "{" + label + "=\"" + m.group(1) + "\"}";
                }
            }
        }
        return name;
    }
}
