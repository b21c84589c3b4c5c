package io.zepusers.localstack.bench.throughput;

import io.zepusers.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Samples the services' resident set sizes (all run long) and, on request, query-service's used
 * heap.
 */
final class Memory implements AutoCloseable {

  private static final Pattern VALUE =
      Pattern.compile("\"statistic\":\"VALUE\",\"value\":([0-9.Ee+-]+)");

  private final LocalStack.Running stack;
  private final Map<String, Long> maxRss = new ConcurrentHashMap<>();
  private final Thread sampler;
  private volatile boolean heap;
  private volatile long heapMax;
  private volatile boolean closed;

  private Memory(LocalStack.Running stack) {
    this.stack = stack;
    this.sampler = new Thread(this::sample, "memory-sampler");
    this.sampler.setDaemon(true);
  }

  static Memory watch(LocalStack.Running stack) {
    Memory m = new Memory(stack);
    m.sampler.start();
    return m;
  }

  long maxRss(String part) {
    return maxRss.getOrDefault(part, 0L);
  }

  /**
   * Starts sampling query-service's used heap (every 100 ms) and forgets the highest seen so far.
   */
  void watchHeap() {
    heapMax = 0;
    heap = true;
  }

  /** Stops sampling the heap; the highest used heap seen since {@link #watchHeap()}. */
  long heapMax() {
    heap = false;
    return heapMax;
  }

  private void sample() {
    long nextRss = 0;
    while (!closed) {
      try {
        if (System.nanoTime() >= nextRss) {
          for (String part : LocalStack.SERVICES) {
            long rss = rss(stack.pid(part));
            maxRss.merge(part, rss, Math::max);
          }
          nextRss = System.nanoTime() + 500_000_000L;
        }
        if (heap) {
          var r =
              ThroughputBench.get(
                  stack.queryServiceUrl() + "/actuator/metrics/jvm.memory.used?tag=area:heap",
                  Optional.empty());
          Matcher m = VALUE.matcher(r.body());
          if (m.find()) {
            heapMax = Math.max(heapMax, (long) Double.parseDouble(m.group(1)));
          }
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // a part restarting or a sample missed: the next one counts
      }
    }
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  @Override
  public void close() {
    closed = true;
    sampler.interrupt();
  }
}
