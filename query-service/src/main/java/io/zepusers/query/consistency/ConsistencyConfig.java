package io.zepusers.query.consistency;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class ConsistencyConfig implements WebMvcConfigurer {

  private final ReadYourWrites readYourWrites;

  ConsistencyConfig(ReadYourWrites readYourWrites) {
    this.readYourWrites = readYourWrites;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(readYourWrites)
        .addPathPatterns("/api/**")
        .excludePathPatterns("/api/v1/admin/**");
  }
}
