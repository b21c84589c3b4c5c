package io.zepusers.gateway.inbound;

/**
 * Raw bytes above 0x7F in a request target (a client that sent {@code é} unencoded) reach Java as
 * one ISO-8859-1 character per byte. Left so, Spring would encode each of those characters as UTF-8
 * on the way to the backend and turn the id {@code é} into {@code Ã©}. Percent-encoding the bytes
 * themselves forwards exactly what was received, in the form a backend decodes back to it.
 */
final class RequestTarget {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RequestTarget() {}

  static String withRawBytesEncoded(String target) {
    int first = firstNonAscii(target);
    if (first < 0) {
      return target;
    }
    StringBuilder encoded = new StringBuilder(target.length() + 16).append(target, 0, first);
    for (int i = first; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c < 0x80) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    return encoded.toString();
  }

  private static int firstNonAscii(String target) {
    for (int i = 0; i < target.length(); i++) {
      if (target.charAt(i) >= 0x80) {
        return i;
      }
    }
    return -1;
  }
}
