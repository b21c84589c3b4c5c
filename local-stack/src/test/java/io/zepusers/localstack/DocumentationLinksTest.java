package io.zepusers.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and the pages under docs/ point into the code by relative links; a renamed or moved
 * file, or a renamed method a link names as {@code Class.method}, breaks the build here instead of
 * leaving a newcomer at a dead end.
 */
class DocumentationLinksTest {

  private static final Path REPO =
      Path.of(System.getProperty("zep.repo.root", "..")).toAbsolutePath().normalize();

  /** {@code [text](target)} and {@code [text](target#anchor)}, text without brackets. */
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)]\\(([^)\\s]+)\\)");

  /** Link text naming a method: {@code `Class.method`}. */
  private static final Pattern METHOD =
      Pattern.compile("`[A-Z][A-Za-z0-9]*\\.([a-z][A-Za-z0-9]*)`");

  @Test
  void everyRelativeLinkPointsAtAFileThatExistsAndEveryNamedMethodIsInIt() throws IOException {
    List<Path> pages = pages();
    assertThat(pages).contains(REPO.resolve("README.md"), REPO.resolve("docs/architecture.md"));
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(2);
        if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
          continue; // a web address or an anchor on the same page
        }
        checked++;
        Path file = page.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
        String where = REPO.relativize(page) + ": [" + link.group(1) + "](" + target + ")";
        if (!Files.exists(file)) {
          broken.add(where + " names no file");
          continue;
        }
        Matcher method = METHOD.matcher(link.group(1));
        if (method.matches()
            && Files.isRegularFile(file)
            && !Files.readString(file).contains(" " + method.group(1) + "(")) {
          broken.add(where + " names no method " + method.group(1));
        }
      }
    }
    assertThat(checked).as("relative links checked").isGreaterThan(100);
    assertThat(broken).isEmpty();
  }

  @Test
  void aMissingFileOrMethodIsFound() {
    Matcher link = LINK.matcher("see [`Metadata.merge`](../x/Metadata.java#L3) and [a](b.md)");
    assertThat(link.find()).isTrue();
    assertThat(link.group(2)).isEqualTo("../x/Metadata.java#L3");
    Matcher method = METHOD.matcher(link.group(1));
    assertThat(method.matches()).isTrue();
    assertThat(method.group(1)).isEqualTo("merge");
    assertThat(link.find()).isTrue();
    assertThat(METHOD.matcher(link.group(1)).matches()).isFalse();
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(REPO.resolve("README.md")));
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }
}
