package io.zepusers.command.config;

import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Axon 4.13's JDBC and transaction auto-configurations order themselves after Boot 3 class names
 * only. On Boot 4 they would run before the DataSource exists: no event store and, silently, no
 * transactions. Sitting between the two forces the right order (the sorter is transitive). See
 * shared/reference/stack-spike.md, P1.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
      "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"
    },
    beforeName = {
      "org.axonframework.springboot.autoconfig.JdbcAutoConfiguration",
      "org.axonframework.springboot.autoconfig.TransactionAutoConfiguration",
      "org.axonframework.springboot.autoconfig.NoOpTransactionAutoConfiguration"
    })
public class AxonBoot4OrderingFix {}
