package io.zepusers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one place the token's form is written and read, by command-service and query-service. */
class ConsistencyTokenTest {

  @Test
  void theFirstGenerationIsNotNamed() {
    assertThat(new ConsistencyToken(1, Map.of(2, 13L, 0, 57L))).hasToString("0:57,2:13");
    assertThat(new ConsistencyToken(2, Map.of(2, 13L, 0, 57L))).hasToString("2@0:57,2:13");
    assertThat(new ConsistencyToken(3, Map.of())).hasToString("");
  }

  @Test
  void whatIsWrittenReadsBackTheSame() {
    for (ConsistencyToken token :
        new ConsistencyToken[] {
          new ConsistencyToken(1, Map.of(0, 57L, 2, 13L)), new ConsistencyToken(4, Map.of(1, 0L))
        }) {
      assertThat(ConsistencyToken.parse(token.toString())).isEqualTo(token);
    }
  }

  @Test
  void readingForgivesSpacesAndKeepsTheLargerOffsetOfAPartitionNamedTwice() {
    assertThat(ConsistencyToken.parse(" 2 @ 0 : 5 , 0:9 "))
        .isEqualTo(new ConsistencyToken(2, Map.of(0, 9L)));
  }

  @Test
  void anythingElseIsTheCallersError() {
    for (String bad : new String[] {"", "abc", "0:", "0:1:2", "-1:5", "0:-5", "0@1:2", "x@1:2"}) {
      assertThatThrownBy(() -> ConsistencyToken.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("X-Consistency-Token must look like 0:57,2:13 or 2@0:57,2:13");
    }
  }
}
