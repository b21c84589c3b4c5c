package io.zepusers.command.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zepusers.api.InputLimits;
import io.zepusers.command.publish.KafkaEventPublisher;
import io.zepusers.events.CloudEventsKafka;
import io.zepusers.events.EventJson;
import io.zepusers.events.PublishedEvent;
import io.zepusers.events.ZepEvent;
import io.zepusers.web.BadRequestException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The full history from the event store, for auditors and new subscribers: {@code GET
 * /api/v1/admin/events} streams every stored event (or, with {@code user_id}, those of one user and
 * of its sessions) as JSON lines, one CloudEvent in structured mode per line, in store order, up to
 * the store's head when the call began. Each line carries the event's store position ({@code
 * position}); {@code Zep-Events-Total} says where the store's head was, so a caller can show
 * progress. Deleted users' personal data is shredded in the store, so it is not in the history
 * either.
 */
@RestController
class EventHistory {

  static final String TOTAL_HEADER = "Zep-Events-Total";
  private static final MediaType JSON_LINES = MediaType.parseMediaType("application/x-ndjson");

  private final EventStore eventStore;
  private final EventStorageEngine storage;
  private final JdbcTemplate jdbc;
  private final ObjectMapper mapper = EventJson.newMapper();

  EventHistory(EventStore eventStore, EventStorageEngine storage, JdbcTemplate jdbc) {
    this.eventStore = eventStore;
    this.storage = storage;
    this.jdbc = jdbc;
  }

  @GetMapping("/api/v1/admin/events")
  ResponseEntity<StreamingResponseBody> history(
      @RequestParam(name = "user_id", required = false) String userId) {
    if (userId != null && !InputLimits.isPossibleId(userId)) {
      throw new BadRequestException("user_id is not a possible user id");
    }
    Long head =
        jdbc.queryForObject(
            "SELECT coalesce(max(globalindex), 0) FROM domainevententry", Long.class);
    StreamingResponseBody body =
        userId == null ? out -> all(head, out) : out -> ofUser(userId, out);
    return ResponseEntity.ok()
        .contentType(JSON_LINES)
        .header(TOTAL_HEADER, Long.toString(head))
        .body(body);
  }

  /**
   * Every stored event up to {@code head}, in store order. Read from the storage engine, not the
   * event store: a slow client of the event store's stream becomes one of its tailing consumers and
   * then holds every event the store's shared cache fetches after it (see GenerationBuilder).
   */
  private void all(long head, OutputStream out) throws IOException {
    if (head == 0) {
      return;
    }
    try (Stream<? extends TrackedEventMessage<?>> stream = storage.readEvents(null, false)) {
      Iterator<? extends TrackedEventMessage<?>> events = stream.iterator();
      while (events.hasNext()) {
        TrackedEventMessage<?> message = events.next();
        long position = message.trackingToken().position().orElse(0);
        if (position > head) {
          return;
        }
        write(message, position, out);
        if (position == head) {
          return;
        }
      }
    }
  }

  /** The user's own stream and its sessions', in store order. */
  private void ofUser(String userId, OutputStream out) throws IOException {
    List<String> streams =
        jdbc.queryForList(
            "SELECT ? UNION SELECT 'session:' || session_id FROM session_directory WHERE user_id = ?",
            String.class,
            userId,
            userId);
    Map<String, Long> positions = new HashMap<>();
    jdbc.query(
        "SELECT aggregateidentifier, sequencenumber, globalindex FROM domainevententry WHERE aggregateidentifier = ANY(?)",
        rs -> {
          positions.put(rs.getString(1) + "#" + rs.getLong(2), rs.getLong(3));
        },
        (Object) streams.toArray(new String[0]));
    List<DomainEventMessage<?>> events =
        streams.stream()
            .<DomainEventMessage<?>>flatMap(s -> eventStore.readEvents(s).asStream())
            .filter(m -> m.getPayload() instanceof ZepEvent e && userId.equals(e.subject()))
            .sorted(
                Comparator.comparingLong(
                    m ->
                        positions.getOrDefault(
                            m.getAggregateIdentifier() + "#" + m.getSequenceNumber(), 0L)))
            .toList();
    for (DomainEventMessage<?> m : events) {
      write(
          m,
          positions.getOrDefault(m.getAggregateIdentifier() + "#" + m.getSequenceNumber(), 0L),
          out);
    }
  }

  private void write(Object message, long position, OutputStream out) throws IOException {
    if (!(message instanceof DomainEventMessage<?> domain)
        || !(domain.getPayload() instanceof ZepEvent event)) {
      return;
    }
    PublishedEvent published = KafkaEventPublisher.published(event, domain);
    ObjectNode line = mapper.createObjectNode();
    line.put("specversion", "1.0");
    line.put("id", published.id());
    line.put("source", CloudEventsKafka.SOURCE_VALUE);
    line.put("type", published.type());
    line.put("subject", published.subject());
    line.put("time", published.time().toString());
    line.put("datacontenttype", "application/json");
    line.put("aggregateid", published.aggregateId());
    line.put("sequence", published.sequence());
    line.put("position", position);
    if (published.correlationId() != null) {
      line.put("correlationid", published.correlationId());
    }
    if (published.actor() != null) {
      line.put("actor", published.actor());
    }
    line.set("data", mapper.readTree(EventJson.toBytes(event)));
    out.write(mapper.writeValueAsBytes(line));
    out.write('\n');
  }
}
