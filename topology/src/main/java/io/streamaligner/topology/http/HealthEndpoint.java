package io.streamaligner.topology.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} or {@code /health/ready}: a health check as JSON, {@code {"status": "UP", ...}} with 200, or
 * {@code "DOWN"} with 503 — what a load balancer or an orchestrator's probe reads.
 */
public final class HealthEndpoint extends GetEndpoint {

    /** One check's outcome: whether it passes, and what it found (shown in the body). */
    public record Check(boolean up, Map<String, Object> details) {

        public Check {
            details = Map.copyOf(Objects.requireNonNull(details, "details"));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Check> check;

    public HealthEndpoint(Supplier<Check> check) {
        this.check = Objects.requireNonNull(check, "check");
    }

    @Override
    Reply reply() {
        Check now = check.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", now.up() ? "UP" : "DOWN");
        body.putAll(new TreeMap<>(now.details()));
        try {
            return new Reply(now.up() ? 200 : 503, "application/json", JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a health report", e);
        }
    }
}
