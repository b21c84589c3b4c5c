package io.zepusers.query.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scan for bytes COPY's text format escapes, eight at a time, against one byte at a time. */
class CopyRowsTest {

  @Test
  void findsTheFirstByteToEscapeInEveryPlaceBesideLookAlikes() {
    // bytes that must be escaped, bytes the word test flags but that need nothing (below 14, or
    // with the high bit set), and plain ones
    byte[] alphabet = {'\\', '\n', '\r', '\t', 0, 8, 11, 12, 13, 14, (byte) 0x80, (byte) 0xdc, 'a'};
    Random random = new Random(7);
    for (int round = 0; round < 200_000; round++) {
      byte[] value = new byte[random.nextInt(40)];
      for (int i = 0; i < value.length; i++) {
        value[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'x';
      }
      int from = value.length == 0 ? 0 : random.nextInt(value.length + 1);
      assertThat(CopyRows.special(value, from))
          .as("%s from %d", hex(value), from)
          .isEqualTo(oneByOne(value, from));
    }
  }

  private static int oneByOne(byte[] value, int from) {
    for (int i = from; i < value.length; i++) {
      byte b = value[i];
      if (b == '\\' || b == '\n' || b == '\r' || b == '\t') {
        return i;
      }
    }
    return value.length;
  }

  private static String hex(byte[] value) {
    StringBuilder s = new StringBuilder();
    for (byte b : value) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }
}
