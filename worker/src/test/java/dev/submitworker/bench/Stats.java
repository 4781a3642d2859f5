package dev.submitworker.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One route at one concurrency: what reached the cluster, wall time, throughput and latency percentiles. */
record Stats(String route, String concurrency, int n, int jobsSeen, double wallMs, double[] sortedLatenciesMs,
             String failure) {

    static Stats of(String route, String concurrency, int n, int jobsSeen, long wallNanos, List<Long> latencyNanos) {
        double[] latencies = latencyNanos.stream().mapToDouble(nanos -> nanos / 1e6).sorted().toArray();
        String failure = null;
        if (jobsSeen < n) {
            failure = (n - jobsSeen) + " of " + n + " jobs missing on the cluster";
        } else if (latencies.length < n) {
            failure = (n - latencies.length) + " of " + n + " answers missing";
        }
        return new Stats(route, concurrency, n, jobsSeen, wallNanos / 1e6, latencies, failure);
    }

    boolean ok() {
        return failure == null;
    }

    /** Jobs (or answers) per second over the whole set; NaN when the route failed: a failed route has no figure. */
    double throughput() {
        return ok() ? n / (wallMs / 1000.0) : Double.NaN;
    }

    /** Nearest-rank percentile of the sorted latencies. */
    double percentile(double p) {
        if (!ok() || sortedLatenciesMs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedLatenciesMs.length);
        return sortedLatenciesMs[Math.max(0, Math.min(sortedLatenciesMs.length - 1, rank - 1))];
    }

    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("route", route);
        json.put("concurrency", concurrency);
        json.put("n", n);
        json.put("jobsSeenOnCluster", jobsSeen);
        json.put("ok", ok());
        json.put("failure", failure);
        json.put("wallMs", round(wallMs));
        json.put("throughputPerSec", round(throughput()));
        json.put("p50Ms", round(percentile(50)));
        json.put("p90Ms", round(percentile(90)));
        json.put("p99Ms", round(percentile(99)));
        json.put("maxMs", ok() && sortedLatenciesMs.length > 0
                ? round(sortedLatenciesMs[sortedLatenciesMs.length - 1]) : null);
        return json;
    }

    static Double round(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : Math.round(value * 100) / 100.0;
    }

    @Override
    public String toString() {
        return route + " c=" + concurrency + " " + Arrays.toString(new double[] {throughput(), percentile(50)});
    }
}
