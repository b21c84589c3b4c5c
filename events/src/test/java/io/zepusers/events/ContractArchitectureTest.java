package io.zepusers.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The contract is shared with outside subscribers: it must not drag a framework or either service
 * along.
 */
class ContractArchitectureTest {

  @Test
  void contractDependsOnNoFrameworkAndNoService() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "org.axonframework..",
            "io.zepusers.command..",
            "io.zepusers.query..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.zepusers.events"));
  }
}
