package io.zepusers.web.auth;

import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.util.ClassUtils;

/**
 * Zep's optional authentication, on Spring Security: off (everything permitted) unless {@code
 * zep.auth.secret} is set, the HS256 secret API keys are signed with. Then every call needs {@code
 * Authorization: Bearer <key>} but actuator health; administrative calls ({@code /api/v1/admin/**},
 * {@code /admin/**}) and every other actuator endpoint need the admin claim.
 *
 * <p>Authorization is decided on the path Spring MVC routes on: the request matchers are {@code
 * PathPattern}s, which decode each segment and drop its matrix parameters, as the handler mappings
 * do, so {@code /%61pi/v1/user} is {@code /api/v1/user} to both; whatever no rule names needs a
 * valid key. The firewall refuses what routing would read differently from a proxy (matrix
 * parameters, dot segments, doubled slashes, encoded dots and backslashes, control characters) with
 * one line of text, in both modes.
 */
@AutoConfiguration(
    before = {
      ServletWebSecurityAutoConfiguration.class,
      ManagementWebSecurityAutoConfiguration.class,
      UserDetailsServiceAutoConfiguration.class
    },
    beforeName =
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
public class ApiKeySecurity {

  public static final String SECRET = "zep.auth.secret";

  private static final Logger log = LoggerFactory.getLogger(ApiKeySecurity.class);
  private static final boolean ACTUATOR =
      ClassUtils.isPresent(
          "org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints",
          ApiKeySecurity.class.getClassLoader());

  @Bean
  SecurityFilterChain apiKeys(HttpSecurity http, Environment environment) throws Exception {
    PlainTextAuthErrors errors = new PlainTextAuthErrors();
    // keys travel in a header on every call: no cookies, no sessions, so nothing for CSRF, a saved
    // request or logout
    http.csrf(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .exceptionHandling(
            exceptions -> exceptions.authenticationEntryPoint(errors).accessDeniedHandler(errors));
    String secret = environment.getProperty(SECRET, "");
    if (secret.isEmpty()) {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
    }
    http.addFilter(bearerKeys(secret, errors));
    http.authorizeHttpRequests(
        requests -> {
          // the container's error page for a request that was let through (or never reached
          // security)
          requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
          if (ACTUATOR) {
            requests.requestMatchers(EndpointRequest.to("health")).permitAll();
            requests
                .requestMatchers(EndpointRequest.toAnyEndpoint())
                .hasAuthority(ApiKeyCallers.ADMIN);
          }
          // the API's description is public, as the API's documentation is
          requests.requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**").permitAll();
          requests
              .requestMatchers("/api/v1/admin/**", "/admin/**")
              .hasAuthority(ApiKeyCallers.ADMIN);
          requests.anyRequest().authenticated();
        });
    return http.build();
  }

  /**
   * The resource server's bearer filter, wired by hand: its configurer would also serve RFC 9728
   * metadata at {@code /.well-known/oauth-protected-resource} to anyone, which no Zep client asks
   * for.
   */
  private static BearerTokenAuthenticationFilter bearerKeys(
      String secret, PlainTextAuthErrors errors) {
    JwtAuthenticationProvider keys = new JwtAuthenticationProvider(ApiKeyDecoder.forSecret(secret));
    keys.setJwtAuthenticationConverter(new ApiKeyCallers());
    BearerTokenAuthenticationFilter filter =
        new BearerTokenAuthenticationFilter(new ProviderManager(keys));
    filter.setAuthenticationEntryPoint(errors);
    // a key that cannot be checked is still the caller's problem to fix: 401, never a 500
    filter.setAuthenticationFailureHandler(
        (request, response, e) -> {
          if (e instanceof AuthenticationServiceException) {
            log.warn("an API key could not be checked", e);
          }
          errors.commence(request, response, e);
        });
    return filter;
  }

  /**
   * Ids may contain a slash or a percent sign ({@code a%2Fb} is the user {@code a/b}; Tomcat passes
   * the encoded slash through) and any UTF-8: routing and authorization decode each segment once,
   * the same way.
   */
  @Bean
  @ConditionalOnMissingBean
  static HttpFirewall httpFirewall() {
    StrictHttpFirewall firewall = new StrictHttpFirewall();
    firewall.setAllowUrlEncodedSlash(true);
    firewall.setAllowUrlEncodedPercent(true);
    return firewall;
  }

  @Bean
  @ConditionalOnMissingBean
  static RequestRejectedHandler requestRejectedHandler() {
    return new PlainTextRequestRejection();
  }
}
