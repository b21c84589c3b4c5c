package io.zepusers.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The Kafka contract as {@code docs/asyncapi.yaml} states it, applied to records: a record's
 * headers and value must match the schemas of the message its {@code ce_type} names, and carry no
 * header or top-level field the document does not declare (readers must tolerate new fields, but
 * the document must not fall behind the producer).
 */
public final class EventContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile EventContract loaded;

  private final JsonNode document;
  private final Map<String, Message> messages = new LinkedHashMap<>();

  private record Message(
      String key,
      JsonSchema headers,
      JsonNode headerSchema,
      JsonSchema payload,
      JsonNode payloadSchema) {}

  private EventContract(JsonNode document) {
    this.document = document;
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    document
        .path("components")
        .path("messages")
        .fields()
        .forEachRemaining(
            m -> {
              JsonNode message = m.getValue();
              String headersRef = message.path("headers").path("$ref").asText();
              String payloadRef = message.path("payload").path("$ref").asText();
              messages.put(
                  message.path("name").asText(),
                  new Message(
                      m.getKey(),
                      schema(factory, headersRef),
                      resolve(headersRef),
                      schema(factory, payloadRef),
                      resolve(payloadRef)));
            });
  }

  /** The document of this checkout, read once. */
  public static EventContract get() {
    if (loaded == null) {
      synchronized (EventContract.class) {
        if (loaded == null) {
          Path file = locate();
          try {
            loaded = new EventContract(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
          }
        }
      }
    }
    return loaded;
  }

  /** The whole document. */
  public JsonNode document() {
    return document;
  }

  /** Every message's name ({@code ce_type}), as the document lists them. */
  public List<String> types() {
    return List.copyOf(messages.keySet());
  }

  /** What is wrong with a record of the event topic; empty when it follows the contract. */
  public List<String> problems(ConsumerRecord<?, byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : record.headers()) {
      headers.put(
          h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    JsonNode value;
    try {
      value = JSON.readTree(record.value());
    } catch (IOException e) {
      return List.of("the value is not JSON: " + e.getMessage());
    }
    return problems(headers, value);
  }

  /**
   * What is wrong with a message of type {@code headers.ce_type}; empty when it follows the
   * contract.
   */
  public List<String> problems(Map<String, String> headers, JsonNode payload) {
    String type = headers.get("ce_type");
    Message message = messages.get(type);
    if (message == null) {
      return List.of("no message named " + type + " in docs/asyncapi.yaml");
    }
    List<String> problems = new ArrayList<>();
    ObjectNode headerNode = JSON.createObjectNode();
    headers.forEach(headerNode::put);
    message
        .headers()
        .validate(headerNode)
        .forEach(m -> problems.add(type + " headers: " + m.getMessage()));
    undeclared(headerNode, message.headerSchema())
        .forEach(
            h -> problems.add(type + " has header " + h + ", which the document does not declare"));
    message
        .payload()
        .validate(payload)
        .forEach(m -> problems.add(type + " data: " + m.getMessage()));
    undeclared(payload, message.payloadSchema())
        .forEach(
            f -> problems.add(type + " has field " + f + ", which the document does not declare"));
    return problems;
  }

  /** Fails with every problem of {@code record}. */
  public void check(ConsumerRecord<?, byte[]> record) {
    List<String> problems = problems(record);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + " breaks docs/asyncapi.yaml: "
              + problems);
    }
  }

  private JsonSchema schema(JsonSchemaFactory factory, String ref) {
    // the schemas refer to each other inside the document, so each is checked as a reference into a
    // copy of it
    ObjectNode root = JSON.createObjectNode();
    root.put("$ref", ref);
    root.set("components", document.path("components"));
    return factory.getSchema(root);
  }

  private JsonNode resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalStateException(
          "only references inside docs/asyncapi.yaml are understood: " + ref);
    }
    JsonNode node = document.at(ref.substring(1));
    if (node.isMissingNode()) {
      throw new IllegalStateException("docs/asyncapi.yaml has no " + ref);
    }
    return node;
  }

  private static List<String> undeclared(JsonNode value, JsonNode schema) {
    List<String> names = new ArrayList<>();
    JsonNode declared = schema.path("properties");
    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!declared.has(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs/asyncapi.yaml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "docs/asyncapi.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
