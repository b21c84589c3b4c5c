package io.zepusers.command.user;

import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A patch: null or empty fields keep their value; {@code metadata} is deep-merged into the stored
 * metadata.
 */
record UpdateUser(
    @TargetAggregateIdentifier String userId,
    String email,
    String firstName,
    String lastName,
    Map<String, Object> metadata) {}
