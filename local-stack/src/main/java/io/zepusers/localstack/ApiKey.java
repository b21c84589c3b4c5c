package io.zepusers.localstack;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * An API key for the stack's own calls when the services run with authentication on: the children inherit
 * {@code ZEP_AUTH_SECRET} from this process, so a key signed with it here is one they accept (the same HS256 JWT
 * {@code admin/make-api-key} mints). Short-lived, never printed.
 */
final class ApiKey {
    static final String SECRET_ENV = "ZEP_AUTH_SECRET";

    private ApiKey() {}

    /** {@code Bearer <jwt>} for {@code subject} when the environment sets a secret; empty when auth is off. */
    static Optional<String> authorization(Map<String, String> env, String subject, Duration validFor) {
        String secret = env.get(SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        return Optional.of("Bearer " + mint(secret, subject, false, validFor));
    }

    static String mint(String secret, String subject, boolean admin, Duration validFor) {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"" + subject.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"admin\":" + admin
                + ",\"iat\":" + now + ",\"exp\":" + (now + validFor.toSeconds()) + "}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
