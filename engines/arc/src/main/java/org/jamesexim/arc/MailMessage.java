package org.jamesexim.arc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An RFC 5322 message split into header fields and body, with the original bytes kept. Bare LF line endings
 * (files, test vectors) are read as CRLF, as an MTA would put the message on the wire.
 */
public final class MailMessage {
    private final byte[] data;
    private final List<HeaderField> headers;
    private final int bodyStart;
    private final boolean inputUsedCrlf;

    private MailMessage(byte[] data, List<HeaderField> headers, int bodyStart, boolean inputUsedCrlf) {
        this.data = data;
        this.headers = headers;
        this.bodyStart = bodyStart;
        this.inputUsedCrlf = inputUsedCrlf;
    }

    /** Parses a message; the array is not copied when it already uses CRLF and must not be changed afterwards. */
    public static MailMessage parse(byte[] message) {
        boolean bareLf = false;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r')) {
                bareLf = true;
                break;
            }
        }
        byte[] data = bareLf ? toCrlf(message) : message;
        List<HeaderField> headers = new ArrayList<>(32);
        int n = data.length;
        int pos = 0;
        int fieldStart = -1;
        int fieldEnd = -1;
        int bodyStart = n;
        while (pos < n) {
            int eol = indexOfCrlf(data, pos, n);
            int lineEnd = eol < 0 ? n : eol;
            if (lineEnd == pos) {
                // the empty line ending the header section
                bodyStart = Math.min(n, pos + 2);
                break;
            }
            byte first = data[pos];
            boolean continuation = (first == ' ' || first == '\t') && fieldStart >= 0;
            if (!continuation) {
                if (fieldStart >= 0) {
                    headers.add(field(data, fieldStart, fieldEnd));
                }
                fieldStart = pos;
            }
            fieldEnd = lineEnd;
            pos = eol < 0 ? n : eol + 2;
        }
        if (fieldStart >= 0) {
            headers.add(field(data, fieldStart, fieldEnd));
        }
        return new MailMessage(data, Collections.unmodifiableList(headers), bodyStart, !bareLf);
    }

    private static HeaderField field(byte[] data, int start, int end) {
        return new HeaderField(new String(data, start, end - start, StandardCharsets.ISO_8859_1));
    }

    static int indexOfCrlf(byte[] data, int from, int to) {
        for (int i = from; i < to - 1; i++) {
            if (data[i] == '\r' && data[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] toCrlf(byte[] in) {
        int extra = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                extra++;
            }
        }
        byte[] out = new byte[in.length + extra];
        int o = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out[o++] = '\r';
            }
            out[o++] = in[i];
        }
        return out;
    }

    /** The message bytes with CRLF line endings. */
    public byte[] data() {
        return data;
    }

    public List<HeaderField> headers() {
        return headers;
    }

    public int bodyStart() {
        return bodyStart;
    }

    public int bodyLength() {
        return data.length - bodyStart;
    }

    /** Whether the input already used CRLF line endings (false: it used bare LF and was converted). */
    public boolean inputUsedCrlf() {
        return inputUsedCrlf;
    }

    /**
     * The message with {@code fields} put on top, in the line-ending convention of the input
     * (CRLF, or LF for an LF input).
     */
    public byte[] prepend(List<HeaderField> fields) {
        String eol = inputUsedCrlf ? "\r\n" : "\n";
        StringBuilder sb = new StringBuilder(256 * fields.size());
        for (HeaderField f : fields) {
            String raw = f.raw();
            sb.append(inputUsedCrlf ? raw : raw.replace("\r\n", "\n")).append(eol);
        }
        byte[] top = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] rest = inputUsedCrlf ? data : fromCrlf(data);
        byte[] out = new byte[top.length + rest.length];
        System.arraycopy(top, 0, out, 0, top.length);
        System.arraycopy(rest, 0, out, top.length, rest.length);
        return out;
    }

    /**
     * The message (CRLF line endings) with {@code top} put first and every field for which {@code drop} says true
     * left out; all other bytes are kept exactly.
     */
    public byte[] rewrite(List<HeaderField> top, java.util.function.Predicate<HeaderField> drop) {
        StringBuilder sb = new StringBuilder(4096);
        for (HeaderField f : top) {
            sb.append(f.raw()).append("\r\n");
        }
        for (HeaderField f : headers) {
            if (!drop.test(f)) {
                sb.append(f.raw()).append("\r\n");
            }
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyLen = data.length - bodyStart;
        byte[] out = new byte[head.length + bodyLen];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, bodyStart, out, head.length, bodyLen);
        return out;
    }

    private static byte[] fromCrlf(byte[] in) {
        byte[] out = new byte[in.length];
        int o = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                continue;
            }
            out[o++] = in[i];
        }
        return java.util.Arrays.copyOf(out, o);
    }
}
