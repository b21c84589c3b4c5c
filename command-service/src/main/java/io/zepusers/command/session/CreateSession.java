package io.zepusers.command.session;

import java.util.Map;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record CreateSession(@TargetAggregateIdentifier String sessionId, String userId, Map<String, Object> metadata) {}
