package io.zepusers.testinfra;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Sends every mapped route of a running service, spelled every way a URL can spell a path, with
 * every kind of key, and lists what it should not have answered. The {@link Recorder} (a servlet
 * filter behind the security filters) tells which handler a request reached, so a handler that
 * answers 404 still counts as reached.
 */
public final class RouteProbe {

  /** Correlates a request with what the {@link Recorder} saw of it. */
  public static final String HEADER = "X-Route-Probe";

  /**
   * The container's error page is mapped like a route; asked for directly with a key it answers 500
   * (it has no error to describe). That is the error page's business, not authentication's, so only
   * keyless calls probe it.
   */
  static final String ERROR_PAGE = "/error";

  private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404, 405);
  private static final Pattern CATCH_ALL = Pattern.compile("\\{\\*([^}]+)}");
  private static final Pattern VARIABLE = Pattern.compile("\\{([^}:]+)(:[^}]*)?}");

  /** Who may call a route. */
  public enum Access {
    OPEN,
    KEYED,
    ADMIN
  }

  /** One method of one mapped path pattern. */
  public record Route(String method, String pattern, Access access) {

    /** The pattern with its variables filled in. */
    public String path(String id) {
      String path =
          pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 2) + "{path}" : pattern;
      path =
          CATCH_ALL
              .matcher(path)
              .replaceAll(m -> Matcher.quoteReplacement("/" + sample(m.group(1), id)));
      return VARIABLE
          .matcher(path)
          .replaceAll(m -> Matcher.quoteReplacement(sample(m.group(1), id)));
    }

    private static String sample(String variable, String id) {
      return switch (variable) {
        case "requiredMetricName" -> "jvm.threads.live";
        case "path" -> "liveness";
        default -> id;
      };
    }
  }

  /** An {@code Authorization} header (null: none) and what it is worth. */
  public record Key(String name, String authorization, boolean valid, boolean admin) {}

  /** What one request got. */
  public record Outcome(
      Route route,
      String path,
      Key key,
      int status,
      String contentType,
      String body,
      String reached) {

    boolean plain() {
      return path.equals(route.path("probe-id"));
    }

    @Override
    public String toString() {
      String shown = body.length() > 80 ? body.substring(0, 80) + "..." : body;
      return key.name
          + " "
          + route.method
          + " "
          + path
          + " -> "
          + status
          + " "
          + contentType
          + " "
          + shown.replace("\n", "\\n")
          + (reached == null ? "" : " [reached " + reached + "]");
    }
  }

  private final String base;
  private final List<Route> routes;
  private final List<Key> keys;
  private final Recorder recorder;
  private final Map<String, Access> accessByPattern = new ConcurrentHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public RouteProbe(String base, List<Route> routes, List<Key> keys, Recorder recorder) {
    this.base = base;
    this.routes = routes;
    this.keys = keys;
    this.recorder = recorder;
    routes.forEach(r -> accessByPattern.put(r.pattern(), r.access()));
  }

  /**
   * Every route of every request mapping in the context (the application's controllers, the error
   * page and the actuator's endpoints): admin routes are {@code /api/v1/admin/**}, {@code
   * /admin/**} and every actuator endpoint but health, which is open.
   */
  public static List<Route> routes(ApplicationContext context) {
    Set<Route> routes = new LinkedHashSet<>();
    for (RequestMappingInfoHandlerMapping mapping :
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      boolean actuator = mapping.getClass().getName().contains("Endpoint");
      for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        for (String pattern : info.getPatternValues()) {
          Access access = access(pattern, actuator);
          if (methods.isEmpty()) {
            routes.add(new Route("GET", pattern, access));
          }
          methods.stream()
              .filter(m -> m != RequestMethod.HEAD && m != RequestMethod.OPTIONS)
              .forEach(m -> routes.add(new Route(m.name(), pattern, access)));
        }
      }
    }
    return List.copyOf(routes);
  }

  private static Access access(String pattern, boolean actuator) {
    if (actuator) {
      return pattern.equals("/actuator/health") || pattern.startsWith("/actuator/health/")
          ? Access.OPEN
          : Access.ADMIN;
    }
    if (pattern.equals("/v3/api-docs") || pattern.startsWith("/v3/api-docs/")) {
      return Access.OPEN; // the API's description
    }
    return pattern.startsWith("/api/v1/admin/") || pattern.startsWith("/admin/")
        ? Access.ADMIN
        : Access.KEYED;
  }

  /**
   * No key, keys that must not count (each would be an admin's if it did), a plain key and an admin
   * key.
   */
  public static List<Key> keys(String secret) {
    long now = Instant.now().getEpochSecond();
    String admin = "{\"sub\":\"probe-admin\",\"admin\":true}";
    String signed = ApiKeys.sign(secret, admin);
    return List.of(
        new Key("none", null, false, false),
        new Key("garbage", "Bearer garbage", false, false),
        new Key("basic", "Basic cHJvYmU6cHJvYmU=", false, false),
        new Key("wrong-secret", "Bearer " + ApiKeys.sign("not-" + secret, admin), false, false),
        new Key(
            "expired",
            "Bearer "
                + ApiKeys.sign(
                    secret,
                    "{\"sub\":\"probe-admin\",\"admin\":true,\"exp\":" + (now - 3600) + "}"),
            false,
            false),
        new Key(
            "not-yet-valid",
            "Bearer "
                + ApiKeys.sign(
                    secret,
                    "{\"sub\":\"probe-admin\",\"admin\":true,\"nbf\":" + (now + 3600) + "}"),
            false,
            false),
        new Key("alg-none", "Bearer " + ApiKeys.unsigned(admin), false, false),
        new Key(
            "stripped-signature",
            "Bearer " + signed.substring(0, signed.lastIndexOf('.') + 1),
            false,
            false),
        new Key("hs512", "Bearer " + ApiKeys.sign(secret, "HS512", admin), false, false),
        new Key(
            "non-admin", "Bearer " + ApiKeys.sign(secret, "{\"sub\":\"probe-user\"}"), true, false),
        new Key("admin", "Bearer " + signed, true, true));
  }

  /**
   * The path spelled every way that routing may still resolve to it, or that must be refused:
   * percent-encoded letters (upper and lower case hex), matrix parameters, doubled slashes, dot
   * segments (plain and encoded), a trailing slash, an encoded slash for a separator, double
   * encoding, backslash, NUL and newline.
   */
  public static List<String> variants(String path) {
    List<String> segments = List.of(path.substring(1).split("/", -1));
    int n = segments.size();
    Set<String> out = new LinkedHashSet<>();
    out.add(path);
    for (int i = 0; i < n; i++) {
      out.add(join(segments, i, s -> percent(s.substring(0, 1), true) + s.substring(1)));
      out.add(join(segments, i, s -> percent(s, false)));
      out.add(
          join(
              segments,
              i,
              s -> "%25" + percent(s.substring(0, 1), true).substring(1) + s.substring(1)));
      out.add(join(segments, i, s -> s + ";x=1"));
      out.add(join(segments, i, s -> s + "%3Bx=1"));
      out.add(join(segments, i, s -> "/" + s));
      out.add(join(segments, i, s -> "./" + s));
      out.add(join(segments, i, s -> "x/../" + s));
      out.add(join(segments, i, s -> "x/%2e%2e/" + s));
      out.add(join(segments, i, s -> "%2E/" + s));
      if (i > 0) {
        out.add(join(segments.subList(0, i)) + "%2F" + join(segments.subList(i, n)).substring(1));
        out.add(join(segments.subList(0, i)) + "%2f" + join(segments.subList(i, n)).substring(1));
        out.add(join(segments.subList(0, i)) + "%5C" + join(segments.subList(i, n)).substring(1));
      }
    }
    out.add(join(segments, -1, s -> percent(s, true)));
    out.add(join(segments, -1, s -> s + ";x=1"));
    out.add("/" + String.join("%2F", segments));
    out.add(path + "/");
    out.add(path + "//");
    out.add(path + "/.");
    out.add(path + "%00");
    out.add(path + "%0A");
    out.add(path + "%5C");
    return List.copyOf(out);
  }

  private static String join(List<String> segments) {
    return segments.isEmpty() ? "" : "/" + String.join("/", segments);
  }

  /** The segments joined, segment {@code only} (or every segment, for -1) rewritten. */
  private static String join(List<String> segments, int only, UnaryOperator<String> rewrite) {
    List<String> rewritten = new ArrayList<>(segments);
    for (int i = 0; i < rewritten.size(); i++) {
      if ((only == -1 || i == only) && !rewritten.get(i).isEmpty()) {
        rewritten.set(i, rewrite.apply(rewritten.get(i)));
      }
    }
    return join(rewritten);
  }

  private static String percent(String s, boolean upper) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      String hex = String.format("%02X", (int) c);
      b.append('%').append(upper ? hex : hex.toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /**
   * Sends everything and returns what was wrong, empty when nothing was. Keys that are not valid
   * and the admin key go to every variant of every route, the plain key to every variant of the
   * admin routes (elsewhere it may get in); on the plain path of every route a valid key must reach
   * its handler where it may. Ids with an encoded slash, an encoded percent and non-ASCII UTF-8
   * must reach their handler too.
   */
  public List<String> run() throws Exception {
    List<Call> calls = new ArrayList<>();
    for (Route route : routes) {
      for (Key key : keys) {
        if (key.valid && route.pattern.equals(ERROR_PAGE)) {
          continue;
        }
        boolean everyVariant = !key.valid || key.admin || route.access == Access.ADMIN;
        List<String> paths =
            everyVariant ? variants(route.path("probe-id")) : List.of(route.path("probe-id"));
        paths.forEach(path -> calls.add(new Call(route, path, key)));
        if (key.admin
            && route.access != Access.OPEN
            && !route.pattern.startsWith("/actuator")
            && route.pattern.contains("{")) {
          calls.add(new Call(route, route.path("a%2Fb%25c%C3%A9%E2%82%AC"), key));
        }
      }
    }
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Call call : calls) {
        futures.add(
            pool.submit(
                () -> {
                  Outcome outcome = send(call.route, call.path, call.key);
                  statuses.merge(call.key.name + " " + outcome.status, 1, Integer::sum);
                  problems.addAll(check(outcome));
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println(
        "RouteProbe: "
            + calls.size()
            + " requests on "
            + routes.size()
            + " routes, answers by key: "
            + new TreeMap<>(statuses));
    return summary(calls.size(), problems);
  }

  private record Call(Route route, String path, Key key) {}

  private Outcome send(Route route, String path, Key key) throws Exception {
    String probe = UUID.randomUUID().toString();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .header(HEADER, probe);
    if (key.authorization != null) {
      request.header("Authorization", key.authorization);
    }
    if (Set.of("POST", "PUT", "PATCH").contains(route.method)) {
      request
          .header("Content-Type", "application/json")
          .method(route.method, HttpRequest.BodyPublishers.ofString("{}"));
    } else {
      request.method(route.method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Outcome(
        route,
        path,
        key,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        recorder.reached(probe));
  }

  /** What is wrong with one answer. */
  List<String> check(Outcome o) {
    List<String> problems = new ArrayList<>();
    Access reached = o.reached == null ? null : accessByPattern.get(o.reached);
    boolean success = o.status >= 200 && o.status < 300;
    if (o.status >= 500) {
      problems.add("server error: " + o);
    }
    // what an actuator endpoint answers itself (an empty 404 for a health group or metric it does
    // not have) is actuator's format, for operators; refusals before it are ours
    boolean actuatorAnswered = o.reached != null && o.reached.startsWith("/actuator");
    if (o.status >= 400
        && !actuatorAnswered
        && !(o.contentType.startsWith("text/plain")
            && o.body.endsWith("\n")
            && o.body.indexOf('\n') == o.body.length() - 1
            && o.body.length() > 1)) {
      problems.add("error not one line of text/plain: " + o);
    }
    if (!o.key.valid && reached != null && reached != Access.OPEN) {
      problems.add("reached a handler without a valid key: " + o);
    }
    if (!o.key.valid && reached != Access.OPEN && !REFUSALS.contains(o.status)) {
      problems.add("answered without a valid key: " + o);
    }
    if (o.key.valid && !o.key.admin && reached == Access.ADMIN) {
      problems.add("reached an admin handler without the admin claim: " + o);
    }
    if (o.key.valid
        && !o.key.admin
        && o.route.access == Access.ADMIN
        && success
        && reached != Access.OPEN) {
      problems.add("admin route answered without the admin claim: " + o);
    }
    if (o.plain()) {
      boolean allowed =
          o.route.access == Access.OPEN
              ? o.key.authorization == null || o.key.valid
              : o.key.valid && (o.key.admin || o.route.access == Access.KEYED);
      if (allowed && (!o.route.pattern.equals(o.reached) || o.status == 401 || o.status == 403)) {
        problems.add("a caller that may did not reach the handler: " + o);
      }
      if (!o.key.valid
          && o.route.access != Access.OPEN
          && !(o.status == 401 && o.body.equals("unauthorized\n"))) {
        problems.add("expected 401 unauthorized: " + o);
      }
      if (o.key.valid
          && !o.key.admin
          && o.route.access == Access.ADMIN
          && !(o.status == 403
              && o.body.equals("forbidden: this call needs a token with the admin claim\n"))) {
        problems.add("expected 403 forbidden: " + o);
      }
    } else if (o.key.admin && o.path.contains("%2Fb%25c")) {
      if (!o.route.pattern.equals(o.reached)) {
        problems.add(
            "an id with an encoded slash, percent and UTF-8 did not reach its handler: " + o);
      }
    }
    return problems;
  }

  private static List<String> summary(int requests, List<String> problems) {
    if (problems.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> byKind = new TreeMap<>();
    problems.forEach(p -> byKind.merge(p.substring(0, p.indexOf(':')), 1, Integer::sum));
    List<String> shown = new ArrayList<>();
    shown.add(problems.size() + " problems in " + requests + " requests: " + byKind);
    List<String> sorted = new ArrayList<>(problems);
    Collections.sort(sorted);
    shown.addAll(sorted.subList(0, Math.min(200, sorted.size())));
    return shown;
  }

  /** The routes the probe covers, by pattern, for the log. */
  public Map<String, Access> coverage() {
    Map<String, Access> coverage = new LinkedHashMap<>();
    routes.forEach(r -> coverage.put(r.method + " " + r.pattern, r.access));
    return coverage;
  }

  /**
   * Registered after the security filters (lowest precedence): a request it sees got past them;
   * once the dispatcher has handled it, the handler mapping's best pattern says which route it
   * reached.
   */
  public static final class Recorder implements Filter, Ordered {

    private final Map<String, CompletableFuture<String>> seen = new ConcurrentHashMap<>();

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      String probe = ((HttpServletRequest) request).getHeader(HEADER);
      CompletableFuture<String> reached = new CompletableFuture<>();
      if (probe != null) {
        seen.put(probe, reached);
      }
      try {
        chain.doFilter(request, response);
      } finally {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        // the resource handler's catch-all is not a route: it answers 404 for any path no route has
        reached.complete(
            pattern == null || pattern.toString().equals("/**") ? null : pattern.toString());
      }
    }

    /**
     * The pattern the request reached, or null when it never got past security or matched no route.
     */
    String reached(String probe) throws Exception {
      // entered before the response was written, so absent now means never
      CompletableFuture<String> reached = seen.remove(probe);
      return reached == null ? null : reached.get(30, TimeUnit.SECONDS);
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
