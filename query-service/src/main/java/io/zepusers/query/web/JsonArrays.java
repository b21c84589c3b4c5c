package io.zepusers.query.web;

import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.ObjectMapper;

/**
 * A JSON array written element by element as rows arrive: {@code []} when empty, never the whole
 * list in memory.
 *
 * <p>If a row fails half-way, the 200 is already sent. The generator is then neither closed nor
 * flushed (closing would end the array and make a cut list look whole); the failure goes to the
 * container, which drops the connection without ending the chunked body, so every client sees a
 * broken transfer, never a short list.
 */
public final class JsonArrays {

  private JsonArrays() {}

  public static ResponseEntity<StreamingResponseBody> stream(
      ObjectMapper json, Consumer<Consumer<Object>> rows) {
    StreamingResponseBody body =
        out -> {
          JsonGenerator generator =
              json.writer().without(StreamWriteFeature.AUTO_CLOSE_CONTENT).createGenerator(out);
          generator.writeStartArray();
          rows.accept(row -> json.writeValue(generator, row));
          generator.writeEndArray();
          generator.close();
        };
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
