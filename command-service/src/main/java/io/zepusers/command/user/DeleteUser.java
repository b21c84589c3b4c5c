package io.zepusers.command.user;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

record DeleteUser(@TargetAggregateIdentifier String userId) {}
