package io.zepusers.query;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read side's map (docs/architecture.md): one package per feature (a use case's controller,
 * queries, projection and tests side by side), over shared packages that know no feature: the
 * consumer that feeds every projection, read-your-writes, the audit trail. The read side consumes
 * events and answers GETs; it never writes an event.
 */
class ArchitectureTest {

  private static final String ROOT = "io.zepusers.query";

  /** The features: each may use the shared packages, none another feature. */
  private static final List<String> FEATURES = List.of("user", "session", "rebuild");

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void featuresDoNotDependOnEachOther() {
    slices().assignedFrom(features()).should().notDependOnEachOther().check(classes);
  }

  @Test
  void sharedPackagesKnowNoFeature() {
    noClasses()
        .that()
        .resideOutsideOfPackages(featurePackages())
        .and()
        .resideOutsideOfPackage(ROOT) // the application's main class
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(featurePackages())
        .check(classes);
  }

  @Test
  void controllersStayInTheirFeature() {
    noClasses()
        .that()
        .areAnnotatedWith(RestController.class)
        .should()
        .resideOutsideOfPackages(featurePackages())
        .check(classes);
  }

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

  private static String[] featurePackages() {
    return FEATURES.stream().map(f -> ROOT + "." + f + "..").toArray(String[]::new);
  }

  private static SliceAssignment features() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        for (String feature : FEATURES) {
          String pkg = ROOT + "." + feature;
          if (javaClass.getPackageName().equals(pkg)
              || javaClass.getPackageName().startsWith(pkg + ".")) {
            return SliceIdentifier.of(feature);
          }
        }
        return SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "the features " + FEATURES;
      }
    };
  }
}
