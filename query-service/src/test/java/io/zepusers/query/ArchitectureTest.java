package io.zepusers.query;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The read side consumes events and answers GETs; it never writes an event. */
class ArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.zepusers.query");

  @Test
  void querySideDoesNotReachIntoTheCommandSide() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.zepusers.command..", "org.axonframework..")
        .check(classes);
  }

  @Test
  void onlyTheDeadLetterWriterProducesToKafka() {
    noClasses()
        .that()
        .doNotHaveSimpleName("DeadLetters")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.kafka.clients.producer..")
        .check(classes);
  }
}
