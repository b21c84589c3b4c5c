package io.zepusers.command.user;

import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

record CreateUser(
    @TargetAggregateIdentifier String userId,
    String email,
    String firstName,
    String lastName,
    Map<String, Object> metadata) {}
