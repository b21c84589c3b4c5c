package io.zepusers.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside the controllers (by the servlet container) are one line of text/plain too,
 * and ids may contain an encoded slash ({@code /api/v1/user/a%2Fb} is the user {@code a/b}): Tomcat
 * passes it through and Spring decodes each path segment.
 */
@AutoConfiguration(
    beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@RestController
public class ContainerErrors implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<String> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer c && HttpStatus.resolve(c) != null
            ? HttpStatus.valueOf(c)
            : HttpStatus.INTERNAL_SERVER_ERROR;
    String message =
        switch (status) {
          case NOT_FOUND -> "not found";
          case BAD_REQUEST -> "bad request: malformed request";
          case PAYLOAD_TOO_LARGE -> "request body too large";
          default ->
              status.is5xxServerError() ? "internal error" : status.getReasonPhrase().toLowerCase();
        };
    return PlainTextErrors.text(status, message);
  }

  @Bean
  static WebServerFactoryCustomizer<TomcatServletWebServerFactory> passEncodedSlashes() {
    return factory -> {
      factory.addConnectorCustomizers(
          connector ->
              connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
      factory.addContextCustomizers(
          context ->
              ((StandardHost) context.getParent())
                  .setErrorReportValveClass(PlainTextErrorReportValve.class.getName()));
    };
  }
}
