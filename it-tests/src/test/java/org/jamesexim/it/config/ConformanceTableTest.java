package org.jamesexim.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/exim-conformance.md cannot drift from the code: every row has a status (same, different, not possible; never
 * "missing"), a reason where it is not "same", a test where it is not "not possible"; every pack class, parameter,
 * matcher condition and attribute its "pack" column names exists (classes by their source under
 * {@code *}{@code /src/main/java}, parameters against the class's declared {@code PARAMETERS} as
 * {@link SnippetParametersTest} reads them, or for a class without them a key its source reads); every test class and
 * method its "test" column names is in a test source; the counts at the top are the rows'; and the spec's items are
 * all there.
 */
class ConformanceTableTest {
    static final List<String> STATUSES = List.of("same", "different", "not possible");
    /** Names of shared/docs/exim-experimental-spec.txt each of which some row's Exim column must carry. */
    static final List<String> SPEC_ITEMS = List.of(
            // BMI
            "EXPERIMENTAL_BRIGHTMAIL", "bmi_config_file", "control = bmi_run", "bmi_deliver_default", "bmi_deliver_alternate",
            "bmi_dont_deliver", "bmi_rule", "$bmi_base64_verdict", "$bmi_base64_tracker_verdict", "$bmi_alt_location",
            "$bmi_deliver", "inheritance", "bmi_optin",
            // SRS
            "EXPERIMENTAL_SRS_ALT", "srs_config", "srs_hashlength", "srs_hashmin", "srs_maxage", "srs_secrets", "srs_usehash",
            "srs_usetimestamp", "srs = forward", "srs = reverse", "srs_alias", "srs_condition", "srs_dbinsert", "srs_dbselect",
            "$srs_db_address", "$srs_db_key", "$srs_orig_recipient", "$srs_orig_sender", "$srs_recipient", "$srs_status",
            "_HAVE_SRS", "SRS=",
            // DCC
            "EXPERIMENTAL_DCC", "dccifd_address", "dcc = *", "defer_ok", "$dcc_header", "$dcc_result", "dcc_direct_add_header",
            "$acl_m_dcc_add_header", "$acl_m_dcc_override_client_ip", "defer !dcc = *",
            // DSN extra information
            "EXPERIMENTAL_DSN_INFO", "Remote-MTA: X-ip", "X-Remote-MTA-smtp-greeting", "X-Remote-MTA-helo-response",
            "X-Exim-Diagnostic",
            // queuefile
            "EXPERIMENTAL_QUEUEFILE", "driver = queuefile", "`directory`", "generic transport options",
            // ARC
            "EXPERIMENTAL_ARC", "verify = arc/", "authresults", "$arc_state", "$arc_state_reason", "$arc_domains",
            "$arc_oldest_pass", "tagged `ARC`", "arc_sign", "`timestamps`", "`expire", "cutthrough",
            // Dovecot
            "driver = dovecot", "public_name", "server_socket", "server_tls", "server_set_id",
            // protocol detail
            "+protocol_detail", "after QUIT, client reset TCP");
    static final List<String> FEATURES = List.of("ARC", "SRS", "DCC", "BMI", "Queuefile", "Dovecot", "DSN", "Protocol detail");
    static final Pattern CODE = Pattern.compile("`([^`]+)`");
    static final Pattern ATTRIBUTE = Pattern.compile("jexim\\.[a-z0-9_]+");
    static final Pattern CLASS_OR_PARAM = Pattern.compile("([A-Z][A-Za-z0-9]+)(?:\\.([a-z][A-Za-z0-9_]*))?");
    static final Pattern MATCHER = Pattern.compile("([A-Z][A-Za-z0-9]+)=(.+)");
    static final Pattern TEST_REF = Pattern.compile("([A-Z][A-Za-z0-9_]*)(?:#([a-z][A-Za-z0-9_]*))?");
    static final Pattern COUNTS = Pattern.compile(
            "Counts: (\\d+) same, (\\d+) different, (\\d+) not possible \\((\\d+) rows; (\\d+) of them gaps\\)");
    /** James's own classes a row may name beside the pack's (the packages James names its mailets and handlers in). */
    static final List<String> JAMES_PACKAGES = List.of("org.apache.james.transport.mailets.", "org.apache.james.transport.matchers.",
            "org.apache.james.jdkim.mailets.", "org.apache.james.protocols.smtp.core.esmtp.", "org.apache.james.smtpserver.");

    /** One table row: its section, line number and five cells. */
    static final class Row {
        final String section;
        final int line;
        final String exim;
        final String pack;
        final String test;
        final String status;
        final String why;

        Row(String section, int line, List<String> cells) {
            this.section = section;
            this.line = line;
            this.exim = cells.get(0);
            this.pack = cells.get(1);
            this.test = cells.get(2);
            this.status = cells.get(3);
            this.why = cells.get(4);
        }

        @Override
        public String toString() {
            return "docs/exim-conformance.md:" + line + " (" + section + ": " + exim + ")";
        }
    }

    static String table;
    static List<Row> rows;
    static Map<String, List<Path>> mainSources;
    static Map<String, List<Path>> testSources;
    static String allMainText;

    @BeforeAll
    static void read() throws IOException {
        Path root = SnippetParametersTest.root();
        table = Files.readString(root.resolve("docs/exim-conformance.md"), StandardCharsets.UTF_8);
        rows = parse(table);
        mainSources = sources(root, "/src/main/java/");
        testSources = sources(root, "/src/test/java/");
        StringBuilder sb = new StringBuilder();
        for (List<Path> paths : mainSources.values()) {
            for (Path p : paths) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
        }
        allMainText = sb.toString();
    }

    /** The rows of every table under a {@code ## } heading, header and separator lines left out. */
    static List<Row> parse(String text) {
        List<Row> out = new ArrayList<>();
        String section = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("## ")) {
                section = l.substring(3).trim();
            } else if (section != null && l.startsWith("|") && !l.startsWith("|---") && !l.startsWith("| Exim |")) {
                List<String> cells = cells(l);
                if (cells.size() != 5) {
                    throw new AssertionError("docs/exim-conformance.md:" + (i + 1) + ": " + cells.size() + " cells, not 5: " + l);
                }
                out.add(new Row(section, i + 1, cells));
            }
        }
        return out;
    }

    /** The cells of a table line, split at the bars outside code spans. */
    static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean code = false;
        String body = line.trim();
        body = body.substring(1, body.endsWith("|") ? body.length() - 1 : body.length());
        for (char c : body.toCharArray()) {
            if (c == '`') {
                code = !code;
            }
            if (c == '|' && !code) {
                out.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        out.add(cell.toString().trim());
        return out;
    }

    /** Java sources by simple class name, of every module's {@code part} tree (build output left out). */
    static Map<String, List<Path>> sources(Path root, String part) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java") && p.toString().contains(part))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .collect(Collectors.groupingBy(p -> p.getFileName().toString().replace(".java", ""), TreeMap::new,
                            Collectors.toList()));
        }
    }

    static List<String> code(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The fully qualified name of a main source, from its path below {@code src/main/java}. */
    static String qualified(Path source) {
        String s = source.toString();
        return s.substring(s.indexOf("/src/main/java/") + "/src/main/java/".length()).replace(".java", "").replace('/', '.');
    }

    /**
     * The static {@code field} of the class of that simple name that declares one (two classes may share a simple
     * name, such as the engine's and the matcher's {@code ArcState}), or null.
     */
    static Object declared(String simpleName, String field) {
        for (Path p : mainSources.getOrDefault(simpleName, List.of())) {
            try {
                Class.forName(qualified(p));
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // a module it-tests does not depend on (cli, benchmarks): its source is checked instead
            }
            Object value = SnippetParametersTest.staticField(qualified(p), field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    static boolean isJamesClass(String simpleName) {
        for (String pkg : JAMES_PACKAGES) {
            try {
                Class.forName(pkg + simpleName);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not in this package
            }
        }
        return false;
    }

    static String source(String simpleName) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : mainSources.getOrDefault(simpleName, List.of())) {
            sb.append(Files.readString(p, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Why {@code token} of a pack cell names nothing that exists, or null when it does (or is literal text). */
    static String packProblem(String token) throws IOException {
        if (ATTRIBUTE.matcher(token).matches()) {
            return allMainText.contains("\"" + token + "\"") ? null : "attribute " + token + " is set or read nowhere in src/main";
        }
        Matcher m = MATCHER.matcher(token);
        if (m.matches()) {
            String cls = m.group(1);
            if (!mainSources.containsKey(cls)) {
                return "matcher " + cls + " has no source under src/main/java";
            }
            Object condition = declared(cls, "CONDITION");
            if (condition instanceof Param) {
                try {
                    ((Param<?>) condition).parse(m.group(2));
                } catch (ParamException e) {
                    return "matcher " + cls + " refuses the condition '" + m.group(2) + "': " + e.getMessage();
                }
            }
            return null;
        }
        m = CLASS_OR_PARAM.matcher(token);
        if (!m.matches()) {
            return null;
        }
        String cls = m.group(1);
        String param = m.group(2);
        if (!mainSources.containsKey(cls)) {
            return param == null && isJamesClass(cls) ? null : "class " + cls + " has no source under */src/main/java";
        }
        if (param == null) {
            return null;
        }
        Object declared = declared(cls, "PARAMETERS");
        if (declared instanceof ParamSet) {
            return ((ParamSet) declared).knows(param) ? null : cls + " does not declare the parameter " + param
                    + " (it declares " + ((ParamSet) declared).names() + ")";
        }
        return source(cls).contains("\"" + param + "\"") ? null : cls + " neither declares PARAMETERS nor reads a key \"" + param + "\"";
    }

    /** Why {@code token} of a test cell is not a test of the repository, or null. */
    static String testProblem(String token) throws IOException {
        Matcher m = TEST_REF.matcher(token);
        if (!m.matches()) {
            return "'" + token + "' is not TestClass or TestClass#method";
        }
        List<Path> files = testSources.get(m.group(1));
        if (files == null) {
            return "test class " + m.group(1) + " has no source under */src/test/java";
        }
        if (m.group(2) == null) {
            return null;
        }
        Pattern method = Pattern.compile("[\\w>\\]]\\s+" + Pattern.quote(m.group(2)) + "\\s*\\(");
        for (Path f : files) {
            if (method.matcher(Files.readString(f, StandardCharsets.UTF_8)).find()) {
                return null;
            }
        }
        return "test " + m.group(1) + " has no method " + m.group(2);
    }

    @Test
    void everyRowHasAStatusAndTheReasonOrTestItNeeds() {
        List<String> problems = new ArrayList<>();
        for (Row r : rows) {
            if (!STATUSES.contains(r.status)) {
                problems.add(r + ": status '" + r.status + "' is none of " + STATUSES);
            }
            if (r.exim.isEmpty() || r.pack.isEmpty()) {
                problems.add(r + ": the Exim or the pack cell is empty");
            }
            if (!r.status.equals("same") && r.why.isEmpty()) {
                problems.add(r + ": '" + r.status + "' without a reason");
            }
            if (!r.status.equals("not possible") && code(r.test).isEmpty()) {
                problems.add(r + ": '" + r.status + "' names no test");
            }
            if ((r.why + r.pack + r.status).toLowerCase().matches(".*\\bmissing\\b.*") && !r.why.contains("missing header")
                    && !r.exim.contains("missing header")) {
                problems.add(r + ": says 'missing'");
            }
        }
        assertThat(rows).as("rows of the table").hasSizeGreaterThan(100);
        assertThat(problems).isEmpty();
    }

    @Test
    void everyClassParameterConditionAndAttributeTheTableNamesExists() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Row r : rows) {
            for (String t : code(r.pack)) {
                String p = packProblem(t);
                if (p != null) {
                    problems.add(r + ": " + p);
                }
                checked++;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void everyTestTheTableNamesExists() throws IOException {
        List<String> problems = new ArrayList<>();
        int methods = 0;
        for (Row r : rows) {
            for (String t : code(r.test)) {
                String p = testProblem(t);
                if (p != null) {
                    problems.add(r + ": " + p);
                }
                methods += t.contains("#") ? 1 : 0;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(methods).as("test methods named").isGreaterThan(150);
    }

    @Test
    void theCountsAtTheTopAreTheRows() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        STATUSES.forEach(s -> counts.put(s, 0));
        int gaps = 0;
        for (Row r : rows) {
            counts.merge(r.status, 1, Integer::sum);
            gaps += r.why.startsWith("**gap**") ? 1 : 0;
        }
        Matcher m = COUNTS.matcher(table);
        assertThat(m.find()).as("a line 'Counts: N same, N different, N not possible (N rows; N of them gaps)'").isTrue();
        assertThat(List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5))).containsExactly(
                String.valueOf(counts.get("same")), String.valueOf(counts.get("different")),
                String.valueOf(counts.get("not possible")), String.valueOf(rows.size()), String.valueOf(gaps));
    }

    @Test
    void everyFeatureAndEveryItemOfTheSpecHasARow() {
        Set<String> sections = rows.stream().map(r -> r.section).collect(Collectors.toSet());
        for (String f : FEATURES) {
            assertThat(sections).as("a section for " + f).anyMatch(s -> s.startsWith(f));
        }
        String eximColumn = rows.stream().map(r -> r.exim).collect(Collectors.joining("\n"));
        assertThat(SPEC_ITEMS).as("spec items without a row").allMatch(eximColumn::contains);
    }

    @Test
    void theCheckerRefusesWhatDoesNotExist() throws IOException {
        assertThat(packProblem("ArcSeal.timestamps")).isNull();
        assertThat(packProblem("ArcSeal.timestamp")).contains("does not declare");
        assertThat(packProblem("ArcSeel")).contains("no source");
        assertThat(packProblem("jexim.arc_stat")).contains("nowhere");
        assertThat(packProblem("ArcState=maybe")).contains("refuses");
        assertThat(packProblem("DccService.dccifd_adress")).isNotNull();
        assertThat(testProblem("ArcStateTest#matchesListedStatesOnly")).isNull();
        assertThat(testProblem("ArcStateTest#matchesEverything")).contains("no method");
        assertThat(testProblem("NoSuchTest")).contains("no source");
        assertThat(cells("| a `x|y` | b | c | same | |")).containsExactly("a `x|y`", "b", "c", "same", "");
    }
}
