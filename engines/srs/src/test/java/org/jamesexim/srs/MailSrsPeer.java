package org.jamesexim.srs;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.jamesexim.common.testing.Prerequisites;

/** The real Mail::SRS (Debian libmail-srs-perl) in a Perl child process, one request per line. */
final class MailSrsPeer implements AutoCloseable {
    /** Mail::SRS's answer: ok with the address, or the error message. */
    static final class Answer {
        final boolean ok;
        final String value;

        Answer(boolean ok, String value) {
            this.ok = ok;
            this.value = value;
        }

        @Override
        public String toString() {
            return (ok ? "OK " : "ERR ") + value;
        }
    }

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final Path script;

    private MailSrsPeer(Process process, Path script) {
        this.process = process;
        this.script = script;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static MailSrsPeer start() throws Exception {
        String perl = Prerequisites.require("mail-srs");
        Path script = Files.createTempFile("mail-srs-peer", ".pl");
        try (InputStream s = MailSrsPeer.class.getResourceAsStream("/mail-srs-peer.pl")) {
            Files.copy(s, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Process p = new ProcessBuilder(perl, script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new MailSrsPeer(p, script);
    }

    synchronized Answer call(String op, long day, SrsConfig c, String alias, String input) throws Exception {
        String line = String.join("\t", op, Long.toString(day), Integer.toString(c.hashLength()), Integer.toString(c.hashMin()),
            Integer.toString(c.maxAge()), String.valueOf(c.separator()), c.alwaysRewrite() ? "1" : "0", alias,
            String.join(",", c.secrets()), input);
        in.write(line + "\n");
        in.flush();
        String answer = out.readLine();
        if (answer == null) {
            throw new IllegalStateException("Mail::SRS peer died");
        }
        int tab = answer.indexOf('\t');
        return new Answer(answer.startsWith("OK"), answer.substring(tab + 1));
    }

    @Override
    public void close() throws Exception {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(script);
    }
}
