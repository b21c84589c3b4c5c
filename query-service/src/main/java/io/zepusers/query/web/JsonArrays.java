package io.zepusers.query.web;

import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/** A JSON array written element by element as rows arrive: {@code []} when empty, never the whole list in memory. */
public final class JsonArrays {

  private JsonArrays() {}

  public static ResponseEntity<StreamingResponseBody> stream(ObjectMapper json, Consumer<Consumer<Object>> rows) {
    StreamingResponseBody body =
        out -> {
          try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartArray();
            rows.accept(row -> json.writeValue(generator, row));
            generator.writeEndArray();
          }
        };
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
