package org.jamesexim.queuefile;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jamesexim.common.LogText;

/**
 * The James-native envelope file {@code <id>.json}, version 1. Documented in {@code docs/queuefile.md}:
 *
 * <pre>
 * {
 *   "format": "jexim-queuefile", "version": 1, "id": "...",
 *   "message": {"file": "&lt;id&gt;.eml", "size": 1234, "sha256": "hex"},
 *   "name": "...", "sender": "a@b" | null, "recipients": [{"address": "...", "notify": ["SUCCESS"], "orcpt": "rfc822;...", "errorsTo": null}],
 *   "state": "root", "errorMessage": null,
 *   "remoteAddr": "...", "remoteHost": "...", "remotePort": 0, "heloName": "...", "authUser": "...",
 *   "receivedTime": "2026-11-25T17:50:33.896036Z", "dsn": {"envid": "...", "ret": "HDRS"},
 *   "perRecipientHeaders": {"rcpt@x": [{"name": "...", "value": "..."}]},
 *   "attributes": {"name": &lt;James attribute JSON&gt;}, "unrepresentedAttributes": ["..."]
 * }
 * </pre>
 *
 * <p>Readers accept any version &le; {@link #VERSION} and ignore unknown fields (so a newer writer can add
 * fields without a version bump); a higher version is refused with a clear error. Thread-safe.</p>
 */
public final class JamesEnvelopeCodec {
    public static final String FORMAT = "jexim-queuefile";
    public static final int VERSION = 1;

    private final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    /** What a decoded envelope file says about its message file. */
    public static final class Decoded {
        private final String id;
        private final String messageFile;
        private final long size;
        private final String sha256;
        private final SpoolEnvelope envelope;

        Decoded(String id, String messageFile, long size, String sha256, SpoolEnvelope envelope) {
            this.id = id;
            this.messageFile = messageFile;
            this.size = size;
            this.sha256 = sha256;
            this.envelope = envelope;
        }

        public String id() { return id; }
        /** {@code message.file}, or null. */
        public String messageFile() { return messageFile; }
        public long size() { return size; }
        public String sha256() { return sha256; }
        public SpoolEnvelope envelope() { return envelope; }
    }

    public byte[] encode(SpoolEnvelope e, String id, String messageFile, long size, String sha256) {
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("id", id);
        ObjectNode msg = root.putObject("message");
        msg.put("file", messageFile);
        msg.put("size", size);
        msg.put("sha256", sha256);
        root.put("name", e.name());
        root.put("sender", e.sender());
        ArrayNode rcpts = root.putArray("recipients");
        for (SpoolRecipient r : e.recipients()) {
            ObjectNode rn = rcpts.addObject();
            rn.put("address", r.address());
            if (!r.dsnNotify().isEmpty()) {
                ArrayNode n = rn.putArray("notify");
                r.dsnNotify().forEach(n::add);
            }
            if (r.orcpt() != null) {
                rn.put("orcpt", r.orcpt());
            }
            if (r.errorsTo() != null) {
                rn.put("errorsTo", r.errorsTo());
            }
        }
        root.put("state", e.state());
        root.put("errorMessage", e.errorMessage());
        root.put("remoteAddr", e.remoteAddr());
        root.put("remoteHost", e.remoteHost());
        root.put("remotePort", e.remotePort());
        root.put("heloName", e.heloName());
        root.put("authUser", e.authUser());
        root.put("receivedTime", e.receivedTime().toString());
        if (e.dsnEnvid() != null || e.dsnRet() != null) {
            ObjectNode dsn = root.putObject("dsn");
            dsn.put("envid", e.dsnEnvid());
            dsn.put("ret", e.dsnRet());
        }
        ObjectNode prh = root.putObject("perRecipientHeaders");
        for (Map.Entry<String, List<SpoolHeader>> en : e.perRecipientHeaders().entrySet()) {
            ArrayNode hs = prh.putArray(en.getKey());
            for (SpoolHeader h : en.getValue()) {
                hs.addObject().put("name", h.name()).put("value", h.value());
            }
        }
        ObjectNode attrs = root.putObject("attributes");
        for (Map.Entry<String, String> en : e.attributes().entrySet()) {
            try {
                attrs.set(en.getKey(), mapper.readTree(en.getValue()));
            } catch (JsonProcessingException ex) {
                throw new IllegalArgumentException("attribute " + en.getKey() + " does not hold JSON", ex);
            }
        }
        ArrayNode un = root.putArray("unrepresentedAttributes");
        e.unrepresentedAttributes().forEach(un::add);
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Parses an envelope file. Linear in its size, with the caps of {@link SpoolLimits} (size, nesting, number
     * length, recipients, attributes, per-recipient headers, field lengths); anything that is not a valid envelope,
     * whatever the bytes, is a {@link SpoolFormatException} whose message is safe to log.
     */
    public Decoded decode(byte[] json, String source) throws SpoolFormatException {
        if (json.length > SpoolLimits.MAX_ENVELOPE_BYTES) {
            throw new SpoolFormatException(source + ": " + json.length + " bytes, more than the envelope limit of " + SpoolLimits.MAX_ENVELOPE_BYTES);
        }
        JsonNode root;
        try {
            checkShape(json, source);
            root = mapper.readTree(json);
        } catch (SpoolFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SpoolFormatException(source + ": not JSON (" + LogText.escape(String.valueOf(e.getMessage()).split("\n")[0], 200) + ")");
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new SpoolFormatException(source + ": not a " + FORMAT + " envelope (\"format\" missing or different)");
        }
        int version = root.path("version").isIntegralNumber() ? root.path("version").asInt(-1) : -1;
        if (version < 1 || version > VERSION) {
            throw new SpoolFormatException(source + ": envelope version " + LogText.escape(root.path("version").toString(), 40)
                    + " is not supported (this reader knows 1.." + VERSION + ")");
        }
        try {
            SpoolEnvelope.Builder b = SpoolEnvelope.builder()
                    .name(text(root, "name"))
                    .sender(text(root, "sender"))
                    .state(text(root, "state"))
                    .errorMessage(text(root, "errorMessage"))
                    .remoteAddr(text(root, "remoteAddr"))
                    .remoteHost(text(root, "remoteHost"))
                    .remotePort(root.path("remotePort").asInt(0))
                    .heloName(text(root, "heloName"))
                    .authUser(text(root, "authUser"));
            String rt = text(root, "receivedTime");
            if (rt != null) {
                b.receivedTime(Instant.parse(rt));
            }
            JsonNode rcpts = root.path("recipients");
            if (!rcpts.isArray() || rcpts.size() == 0) {
                throw new SpoolFormatException(source + ": \"recipients\" must be a non-empty array");
            }
            if (rcpts.size() > SpoolLimits.MAX_RECIPIENTS) {
                throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_RECIPIENTS + " recipients (" + rcpts.size() + ")");
            }
            for (JsonNode rn : rcpts) {
                Set<String> notify = new LinkedHashSet<>();
                JsonNode nn = rn.path("notify");
                if (nn.size() > 4) {
                    throw new SpoolFormatException(source + ": more than 4 NOTIFY keywords");
                }
                nn.forEach(n -> notify.add(n.asText()));
                b.addRecipient(new SpoolRecipient(text(rn, "address"), notify, text(rn, "orcpt"), text(rn, "errorsTo")));
            }
            JsonNode dsn = root.path("dsn");
            if (dsn.isObject()) {
                b.dsnEnvid(text(dsn, "envid")).dsnRet(text(dsn, "ret"));
            }
            JsonNode prh = root.path("perRecipientHeaders");
            int headers = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = prh.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                headers += Math.max(1, en.getValue().size());
                if (headers > SpoolLimits.MAX_PER_RECIPIENT_HEADERS) {
                    throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_PER_RECIPIENT_HEADERS + " per-recipient headers");
                }
                for (JsonNode h : en.getValue()) {
                    b.addPerRecipientHeader(en.getKey(), new SpoolHeader(text(h, "name"), text(h, "value")));
                }
            }
            JsonNode attrs = root.path("attributes");
            JsonNode unrep = root.path("unrepresentedAttributes");
            if (attrs.size() + unrep.size() > SpoolLimits.MAX_ATTRIBUTES) {
                throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_ATTRIBUTES + " attributes (" + (attrs.size() + unrep.size()) + ")");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                b.attribute(en.getKey(), mapper.writeValueAsString(en.getValue()));
            }
            unrep.forEach(n -> b.unrepresentedAttribute(n.asText()));
            JsonNode msg = root.path("message");
            SpoolEnvelope envelope = b.build();
            SpoolLimits.check(envelope);
            return new Decoded(text(root, "id"), text(msg, "file"), msg.path("size").asLong(-1), text(msg, "sha256"), envelope);
        } catch (SpoolFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SpoolFormatException(source + ": invalid envelope: " + LogText.escape(String.valueOf(e.getMessage()), 300));
        }
    }

    /**
     * One streaming pass before the tree is built: nesting at most {@link SpoolLimits#MAX_JSON_DEPTH}, numbers of
     * at most {@link SpoolLimits#MAX_JSON_NUMBER_CHARS} characters (Jackson 2.14, James 3.8.1's, has no such limits:
     * a deep value overflows the stack when written back, a long number costs quadratic time to convert), and the
     * recipient and attribute counts, so that an envelope beyond them is refused without building its tree.
     */
    private void checkShape(byte[] json, String source) throws IOException {
        try (JsonParser p = mapper.getFactory().createParser(json)) {
            int depth = 0;
            String top = null;
            int recipients = 0;
            int attributes = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (depth == 2 && t != JsonToken.END_ARRAY && t != JsonToken.END_OBJECT && t != JsonToken.FIELD_NAME) {
                    // an element of a top-level array
                    if ("recipients".equals(top) && ++recipients > SpoolLimits.MAX_RECIPIENTS) {
                        throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_RECIPIENTS + " recipients");
                    }
                    if ("unrepresentedAttributes".equals(top) && ++attributes > SpoolLimits.MAX_ATTRIBUTES) {
                        throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_ATTRIBUTES + " attributes");
                    }
                }
                switch (t) {
                    case FIELD_NAME:
                        if (depth == 1) {
                            top = p.getCurrentName();
                        } else if (depth == 2 && "attributes".equals(top) && ++attributes > SpoolLimits.MAX_ATTRIBUTES) {
                            throw new SpoolFormatException(source + ": more than " + SpoolLimits.MAX_ATTRIBUTES + " attributes");
                        }
                        break;
                    case START_OBJECT:
                    case START_ARRAY:
                        if (++depth > SpoolLimits.MAX_JSON_DEPTH) {
                            throw new SpoolFormatException(source + ": JSON nested deeper than " + SpoolLimits.MAX_JSON_DEPTH);
                        }
                        break;
                    case END_OBJECT:
                    case END_ARRAY:
                        depth--;
                        break;
                    case VALUE_NUMBER_INT:
                    case VALUE_NUMBER_FLOAT:
                        if (p.getTextLength() > SpoolLimits.MAX_JSON_NUMBER_CHARS) {
                            throw new SpoolFormatException(source + ": a JSON number of more than " + SpoolLimits.MAX_JSON_NUMBER_CHARS + " characters");
                        }
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** James's JSON form of a String attribute value. */
    public String stringAttribute(String value) {
        ObjectNode n = mapper.createObjectNode();
        n.put("serializer", "StringSerializer");
        n.put("value", value);
        try {
            return mapper.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The string inside James's JSON form of a String attribute value, or null if it is not one. */
    public String stringAttributeValue(String json) {
        try {
            JsonNode n = mapper.readTree(json);
            if (n != null && "StringSerializer".equals(n.path("serializer").asText()) && n.path("value").isTextual()) {
                return n.path("value").asText();
            }
            return null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
