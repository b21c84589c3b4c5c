package io.zepusers.web;

import io.zepusers.web.auth.BearerAuthFilter;
import io.zepusers.web.auth.JwtVerifier;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.core.Ordered;

/** Zep's optional authentication: on when {@code zep.auth.secret} is set (the HS256 secret the API keys are signed with). */
@AutoConfiguration
@ConditionalOnExpression("!'${zep.auth.secret:}'.isEmpty()")
public class AuthConfig {

  @Bean
  FilterRegistrationBean<BearerAuthFilter> bearerAuth(@Value("${zep.auth.secret}") String secret) {
    FilterRegistrationBean<BearerAuthFilter> registration =
        new FilterRegistrationBean<>(new BearerAuthFilter(new JwtVerifier(secret, Clock.systemUTC())));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10); // before anything reads the caller
    return registration;
  }
}
