package io.zepusers.command.config;

import io.zepusers.command.personaldata.PersonalDataKeys;
import io.zepusers.command.personaldata.PersonalDataProtectingSerializer;
import io.zepusers.command.provenance.Provenance;
import io.zepusers.events.EventJson;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.springboot.TokenStoreProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Events are stored in the contract's JSON form. Axon's default (XStream) cannot read Java records,
 * and Boot 4's own mapper is Jackson 3, which Axon 4's serializer does not use, so all three
 * serializers are set here.
 */
@Configuration(proxyBeanMethods = false)
class AxonConfig {

  @Bean
  @Primary
  public Serializer serializer() {
    return jackson();
  }

  /**
   * Events are stored with their personal data encrypted per user (see
   * PersonalDataProtectingSerializer).
   */
  @Bean
  @Qualifier("eventSerializer") public Serializer eventSerializer(PersonalDataKeys keys) {
    return new PersonalDataProtectingSerializer(jackson(), keys);
  }

  @Bean
  @Qualifier("messageSerializer") public Serializer messageSerializer() {
    return jackson();
  }

  /**
   * Axon's own trace and correlation ids, plus who and which request caused a command, on every
   * event it causes.
   */
  @Bean
  public CorrelationDataProvider messageOrigin() {
    return new MessageOriginProvider();
  }

  @Bean
  public CorrelationDataProvider requestProvenance() {
    return new SimpleCorrelationDataProvider(Provenance.CORRELATION_ID, Provenance.ACTOR);
  }

  /**
   * Axon's JDBC token store, as its auto-configuration builds it, but with a node id unique per
   * instance: the default ({@code pid@host}) is shared by two instances in one JVM, and both would
   * then believe they own the publisher's segment and publish every event twice.
   */
  @Bean
  public TokenStore tokenStore(
      ConnectionProvider connectionProvider,
      Serializer serializer,
      TokenStoreProperties properties) {
    return JdbcTokenStore.builder()
        .connectionProvider(connectionProvider)
        .schema(TokenSchema.builder().build()) // the default names, as in V1__axon_event_store.sql
        .serializer(serializer)
        .claimTimeout(properties.getClaimTimeout())
        .nodeId(ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID())
        .build();
  }

  /**
   * Every event handler's failure propagates: the subscribing ones (the directory, a deleted user's
   * sessions) then roll back the command whose transaction they run in, instead of Axon's default
   * of logging the failure and committing without them; the tracking publisher retries its batch.
   */
  @Bean
  public ConfigurerModule eventHandlerFailuresPropagate() {
    return configurer ->
        configurer
            .eventProcessing()
            .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance());
  }

  /**
   * The event store, as Axon's JDBC auto-configuration builds it, but reading the store {@code
   * zep.event-store.read-batch-size} events per query (Axon's default is 100). Reading the whole
   * store into a new generation of the topic took about 10,900 queries, each in its own
   * transaction, for a million events, and now about 1,400 (docs/performance.md); the batch bounds
   * only how many events one query returns (an aggregate's few events still come in one).
   */
  @Bean
  public EventStorageEngine eventStorageEngine(
      Serializer defaultSerializer,
      PersistenceExceptionResolver persistenceExceptionResolver,
      @Qualifier("eventSerializer") Serializer eventSerializer,
      org.axonframework.config.Configuration configuration,
      ConnectionProvider connectionProvider,
      TransactionManager transactionManager,
      @Value("${zep.event-store.read-batch-size:1000}") int readBatchSize) {
    if (readBatchSize < 1 || readBatchSize > 10_000) {
      throw new IllegalArgumentException(
          "zep.event-store.read-batch-size must be between 1 and 10000, not " + readBatchSize);
    }
    return JdbcEventStorageEngine.builder()
        .snapshotSerializer(defaultSerializer)
        .upcasterChain(configuration.upcasterChain())
        .persistenceExceptionResolver(persistenceExceptionResolver)
        .eventSerializer(eventSerializer)
        .snapshotFilter(configuration.snapshotFilter())
        .connectionProvider(connectionProvider)
        .transactionManager(transactionManager)
        .schema(new EventSchema()) // the default names, as in V1__axon_event_store.sql
        .batchSize(readBatchSize)
        .build();
  }

  /** Bounds the event store's cache-filling reads; see BoundedTailingReads. */
  @Bean
  public static BeanPostProcessor boundedTailingReads() {
    return BoundedTailingReads.wrapper();
  }

  @Bean
  public Clock clock() {
    return Clock.systemUTC();
  }

  private static Serializer jackson() {
    return JacksonSerializer.builder().objectMapper(EventJson.newMapper()).build();
  }
}
