package io.zepusers.command.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record DeleteUser(@TargetAggregateIdentifier String userId) {}
