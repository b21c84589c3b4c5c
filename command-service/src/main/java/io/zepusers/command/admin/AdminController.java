package io.zepusers.command.admin;

import io.zepusers.command.publish.GenerationBuilder;
import io.zepusers.command.publish.GenerationBuilder.GenerationConflict;
import io.zepusers.command.publish.GenerationBuilder.TakeoverUnavailable;
import io.zepusers.command.publish.Generations;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators' calls on the write side (our own; Zep clients do not call them). */
@RestController
class AdminController {

  private final Republisher republisher;
  private final GenerationBuilder generations;

  AdminController(Republisher republisher, GenerationBuilder generations) {
    this.republisher = republisher;
    this.generations = generations;
  }

  /**
   * Every generation of the event topic, the current one, and a build's progress (see
   * TopicGenerations).
   */
  @GetMapping("/api/v1/admin/generations")
  List<Map<String, Object>> generations() {
    return generations.all();
  }

  /**
   * Starts writing the whole event store into the next generation of the topic; 202, or 409 while
   * one is built.
   */
  @PostMapping("/api/v1/admin/generations")
  ResponseEntity<Map<String, Object>> startGeneration() {
    Generations.Generation started = generations.start();
    return ResponseEntity.accepted()
        .body(Map.of("generation", started.number(), "topic", started.topic()));
  }

  /** Makes a generation built here the current one: new events go there, the old one ends. */
  @PostMapping("/api/v1/admin/generations/{generation}/takeover")
  Map<String, Object> takeOver(@PathVariable int generation) {
    return generations.takeOver(generation);
  }

  /** Abandons a generation being built (its topic is deleted). */
  @DeleteMapping("/api/v1/admin/generations/{generation}")
  ResponseEntity<Void> abandon(@PathVariable int generation) {
    generations.abandon(generation);
    return ResponseEntity.noContent().build();
  }

  @ExceptionHandler(GenerationConflict.class)
  ResponseEntity<String> conflict(GenerationConflict e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .contentType(MediaType.TEXT_PLAIN)
        .body(e.getMessage() + "\n");
  }

  @ExceptionHandler(TakeoverUnavailable.class)
  ResponseEntity<String> unavailable(TakeoverUnavailable e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .contentType(MediaType.TEXT_PLAIN)
        .body(e.getMessage() + "\n");
  }

  /** Re-sends every stored event to Kafka; 202 with the progress, 409 while one is running. */
  @PostMapping("/api/v1/admin/republish")
  ResponseEntity<?> republish() {
    if (!republisher.start()) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .contentType(MediaType.TEXT_PLAIN)
          .body("a republish is already running\n");
    }
    return ResponseEntity.accepted().body(republisher.status());
  }

  /**
   * Progress of the last republish (on command-service itself; the gateway sends GETs to
   * query-service).
   */
  @GetMapping("/admin/republish")
  Map<String, Object> status() {
    return republisher.status();
  }
}
