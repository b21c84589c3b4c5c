package io.zepusers.localstack.bench.throughput;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * query-service's {@code projection.lag} histogram as Prometheus scrapes it (cumulative bucket
 * counts), so that the lag of one phase is the difference of two scrapes, as {@code
 * histogram_quantile(rate(...))} would compute it.
 */
record LagHistogram(TreeMap<Double, Double> buckets) {

  private static final Pattern BUCKET =
      Pattern.compile(
          "(?m)^projection_lag_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.Ee+-]+)");

  static LagHistogram scrape(String queryService) throws Exception {
    var r = ThroughputBench.get(queryService + "/actuator/prometheus", Optional.empty());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /actuator/prometheus: " + r.statusCode());
    }
    TreeMap<Double, Double> buckets = new TreeMap<>();
    Matcher m = BUCKET.matcher(r.body());
    while (m.find()) {
      double le =
          m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
      buckets.merge(le, Double.parseDouble(m.group(2)), Double::sum);
    }
    if (buckets.isEmpty()) {
      throw new IllegalStateException(
          "query-service publishes no projection_lag_seconds histogram");
    }
    return new LagHistogram(buckets);
  }

  /** Events recorded between {@code earlier} and this scrape. */
  LagHistogram since(LagHistogram earlier) {
    TreeMap<Double, Double> d = new TreeMap<>();
    buckets.forEach((le, n) -> d.put(le, n - earlier.buckets.getOrDefault(le, 0.0)));
    return new LagHistogram(d);
  }

  double count() {
    return buckets.lastEntry().getValue();
  }

  /** The q-quantile in milliseconds, linear within a bucket (as Prometheus' histogram_quantile). */
  double quantileMillis(double q) {
    double total = count();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lower = 0;
    double below = 0;
    for (Map.Entry<Double, Double> e : buckets.entrySet()) {
      if (e.getValue() >= rank) {
        if (e.getKey().isInfinite()) {
          return lower * 1000;
        }
        double inBucket = e.getValue() - below;
        double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
        return (lower + (e.getKey() - lower) * fraction) * 1000;
      }
      lower = e.getKey();
      below = e.getValue();
    }
    return lower * 1000;
  }
}
