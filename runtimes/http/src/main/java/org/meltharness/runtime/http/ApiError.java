package org.meltharness.runtime.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A request the server answers with an error status and an OpenAI-style body:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 *
 * @param retryAfterSeconds sent as {@code Retry-After} when above 0 (503 when the queue is full)
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;
    final long retryAfterSeconds;

    ApiError(int status, String type, String code, String param, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message, 0);
    }

    static ApiError malformedJson(String detail) {
        return new ApiError(400, "invalid_request_error", "invalid_json",
                null, "the request body is not valid JSON: " + detail, 0);
    }

    static ApiError contextLengthExceeded(int tokens, int window) {
        return contextLengthExceeded("this model's maximum context length is " + window + " tokens; the prompt has "
                + tokens + " tokens");
    }

    static ApiError contextLengthExceeded(String message) {
        return new ApiError(400, "invalid_request_error", "context_length_exceeded", "prompt", message, 0);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large", null,
                "the request body exceeds this server's limit of " + limit + " bytes", 0);
    }

    static ApiError unknownModel(String asked, String served) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "the model '" + asked + "' does not exist on this server; it serves '" + served + "'", 0);
    }

    static ApiError notFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", "not_found", null, "no route " + method + " " + path, 0);
    }

    static ApiError methodNotAllowed(String method, String path, String allowed) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                method + " is not allowed on " + path + "; use " + allowed, 0);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null,
                "missing or wrong API key: send 'Authorization: Bearer <key>'", 0);
    }

    static ApiError overloaded(int capacity, long retryAfterSeconds) {
        return new ApiError(503, "server_error", "server_overloaded", null,
                "the server's queue of " + capacity + " requests is full; retry after " + retryAfterSeconds + " s",
                retryAfterSeconds);
    }

    static ApiError internal(String message) {
        return new ApiError(500, "server_error", "internal_error", null, message, 0);
    }

    ObjectNode body() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", getMessage());
        e.put("type", type);
        if (param == null) e.putNull("param");
        else e.put("param", param);
        e.put("code", code);
        return root;
    }
}
