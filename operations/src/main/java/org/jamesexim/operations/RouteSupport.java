package org.jamesexim.operations;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.eclipse.jetty.http.HttpStatus;

import spark.HaltException;
import spark.Request;

/** What the pack's WebAdmin routes share: James's error answers, and the bounded reading of what a request brings. */
public final class RouteSupport {
    /** The largest message a route takes in a request body (bytes); a larger one is refused with 413. */
    public static final int MAX_MESSAGE = 25 * 1024 * 1024;
    /** The longest query parameter value taken. */
    public static final int MAX_PARAMETER = 1024;

    private RouteSupport() {
    }

    public static HaltException badRequest(String message) {
        return ErrorResponder.builder().statusCode(HttpStatus.BAD_REQUEST_400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message).haltError();
    }

    public static HaltException notFound(String message) {
        return ErrorResponder.builder().statusCode(HttpStatus.NOT_FOUND_404).type(ErrorResponder.ErrorType.NOT_FOUND)
            .message(message).haltError();
    }

    public static HaltException conflict(String message) {
        return ErrorResponder.builder().statusCode(HttpStatus.CONFLICT_409).type(ErrorResponder.ErrorType.WRONG_STATE)
            .message(message).haltError();
    }

    /** The posted message: a non-empty body of at most {@link #MAX_MESSAGE} bytes. */
    public static byte[] message(Request request) {
        if (request.contentLength() > MAX_MESSAGE) {
            throw tooLarge();
        }
        byte[] body = request.bodyAsBytes();
        if (body == null || body.length == 0) {
            throw badRequest("post the message (RFC 5322, headers and body) as the request body");
        }
        if (body.length > MAX_MESSAGE) {
            throw tooLarge();
        }
        return body;
    }

    private static HaltException tooLarge() {
        return ErrorResponder.builder().statusCode(HttpStatus.PAYLOAD_TOO_LARGE_413).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message("the message is larger than " + MAX_MESSAGE + " bytes").haltError();
    }

    /** A query parameter of at most {@link #MAX_PARAMETER} characters, or {@code dflt} when absent. */
    public static String parameter(Request request, String name, String dflt) {
        String v = request.queryParams(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        if (v.length() > MAX_PARAMETER) {
            throw badRequest(name + ": longer than " + MAX_PARAMETER + " characters");
        }
        return v;
    }

    /** A required query parameter. */
    public static String required(Request request, String name) {
        String v = parameter(request, name, null);
        if (v == null) {
            throw badRequest(name + " is required (?" + name + "=...)");
        }
        return v;
    }
}
