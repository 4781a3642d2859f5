package dev.submitworker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the status topic must show of each request, whatever was killed, moved or cut off on the way: events schema-
 * valid, sequences 1, 2, 3 ... in the order of the topic, each one's previous status the one before's, exactly one
 * terminal event and nothing after it. The only thing a crash may add is a repeat of the latest event, same sequence,
 * same content.
 */
public final class StatusChecks {

    private StatusChecks() {}

    /**
     * @param events     the events read, by requestId, in the order of the topic
     * @param requestIds the requests that must each have ended
     * @return the violated properties, empty when they all held
     */
    public static List<String> violations(Map<String, List<JsonNode>> events, Collection<String> requestIds) {
        List<String> violations = new ArrayList<>();
        for (String requestId : requestIds) {
            List<JsonNode> seen = events.getOrDefault(requestId, List.of());
            Map<Integer, JsonNode> bySequence = new HashMap<>();
            int last = 0;
            String lastStatus = null;
            int terminal = 0;
            for (JsonNode event : seen) {
                if (!Schemas.violations(Schemas.STATUS_EVENT, event).isEmpty()) {
                    violations.add(requestId + ": an event breaks the schema: " + event);
                }
                int sequence = event.get("sequence").asInt();
                JsonNode earlier = bySequence.putIfAbsent(sequence, event);
                if (earlier != null) {
                    if (!earlier.equals(event)) {
                        violations.add(requestId + ": sequence " + sequence + " carries two contents: " + earlier
                                + " and " + event);
                    } else if (sequence != last) {
                        violations.add(requestId + ": sequence " + sequence + " repeated after " + last);
                    }
                    continue;
                }
                if (sequence != last + 1) {
                    violations.add(requestId + ": sequence " + sequence + " follows " + last);
                }
                if (terminal > 0) {
                    violations.add(requestId + ": " + event.get("status").asText() + " after its terminal event");
                }
                String previous = event.get("previousStatus").isNull() ? null : event.get("previousStatus").asText();
                if (!Objects.equals(previous, lastStatus)) {
                    violations.add(requestId + ": sequence " + sequence + " says it was " + previous + ", not "
                            + lastStatus);
                }
                if (event.get("terminal").asBoolean()) {
                    terminal++;
                }
                last = Math.max(last, sequence);
                lastStatus = event.get("status").asText();
            }
            if (terminal != 1) {
                violations.add(requestId + ": " + terminal + " terminal events");
            }
        }
        return violations;
    }

    /** How many requests have a terminal event. */
    public static long ended(Map<String, List<JsonNode>> events, Collection<String> requestIds) {
        return requestIds.stream().filter(id -> events.getOrDefault(id, List.of()).stream()
                .anyMatch(event -> event.get("terminal").asBoolean())).count();
    }

    /** How many events were read again: the same sequence and content as one before. */
    public static long repeats(Map<String, List<JsonNode>> events, Collection<String> requestIds) {
        return requestIds.stream().mapToLong(id -> {
            List<JsonNode> seen = events.getOrDefault(id, List.of());
            return seen.size() - seen.stream().map(event -> event.get("sequence").asInt()).distinct().count();
        }).sum();
    }
}
