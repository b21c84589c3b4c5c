package io.zepusers.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The write side owns validation and the event store; it never reads a read model. */
class ArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.zepusers.command");

  @Test
  void commandSideDoesNotReachIntoTheQuerySide() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.zepusers.query..")
        .check(classes);
  }

  @Test
  void aggregatesDependOnNeitherWebNorKafka() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("Aggregate")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework.web..", "org.apache.kafka..", "io.zepusers.command.web..")
        .check(classes);
  }
}
