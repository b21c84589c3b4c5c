package io.zepusers.query.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One event in a user's audit trail. {@code data} is the event as published, minus erased personal
 * data.
 */
@JsonPropertyOrder({
  "type",
  "aggregate_id",
  "sequence",
  "time",
  "event_id",
  "correlation_id",
  "actor",
  "erased",
  "data"
})
public record AuditEntry(
    @JsonProperty("type") String type,
    @JsonProperty("aggregate_id") String aggregateId,
    @JsonProperty("sequence") long sequence,
    @JsonProperty("time") String time,
    @JsonProperty("event_id") String eventId,
    @JsonProperty("correlation_id") String correlationId,
    @JsonProperty("actor") String actor,
    @JsonProperty("erased") boolean erased,
    @JsonProperty("data") @JsonRawValue String data) {}
