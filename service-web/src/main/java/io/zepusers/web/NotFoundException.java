package io.zepusers.web;

/** The thing asked for does not exist (now). */
public class NotFoundException extends RuntimeException {
  public NotFoundException() {
    super("not found");
  }
}
