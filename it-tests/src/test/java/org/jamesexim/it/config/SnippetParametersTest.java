package org.jamesexim.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jamesexim.common.config.Param;
import org.jamesexim.common.config.ParamException;
import org.jamesexim.common.config.ParamSet;
import org.jamesexim.mailets.config.GlueParams;
import org.junit.jupiter.api.Test;

/**
 * The XML operators copy: every {@code <pre>{@code ...}</pre>} snippet of the Javadoc of the pack's mailets, matchers
 * and hooks, every XML block of README.md and docs/*.md, and the sample configuration in james-config/. Each
 * {@code <mailet>} or {@code <handler>} of a pack class may only show parameters the class declares, with values its
 * declarations take, and a pack matcher's condition must be one its {@code CONDITION} takes; and each class's own
 * Javadoc snippets (commented lines included) show every parameter it declares.
 */
class SnippetParametersTest {
    private static final Pattern JAVADOC_SNIPPET = Pattern.compile("<pre>\\{@code(.*?)\\}</pre>", Pattern.DOTALL);
    private static final Pattern MARKDOWN_BLOCK = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ELEMENT = Pattern.compile("<(mailet|handler)\\b([^>]*?)(/?)>");
    private static final Pattern TAG = Pattern.compile("<(/?)([A-Za-z_][\\w.\\-]*)([^>]*?)(/?)>");
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern LEAF = Pattern.compile("<([A-Za-z_][\\w.\\-]*)>[^<]*</\\1>");

    static Path root() {
        String configDir = System.getProperty("jexim.config.dir");
        return configDir != null ? Paths.get(configDir).toAbsolutePath().normalize().getParent() : Paths.get("..").toAbsolutePath().normalize();
    }

    /** One piece of XML and where it is. */
    static final class Snippet {
        final String where;
        final String owner;
        final String xml;

        Snippet(String where, String owner, String xml) {
            this.where = where;
            this.owner = owner;
            this.xml = xml;
        }
    }

    /** A mailet or handler element of a snippet. */
    static final class Use {
        final String where;
        final String element;
        final String className;
        final String match;
        final Map<String, String> parameters = new LinkedHashMap<>();

        Use(String where, String element, String className, String match) {
            this.where = where;
            this.element = element;
            this.className = className;
            this.match = match;
        }
    }

    static List<Snippet> snippets() throws IOException {
        Path root = root();
        List<Snippet> out = new ArrayList<>();
        for (String module : List.of("mailets", "matchers", "smtp-hooks")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList())) {
                    String text = Files.readString(f, StandardCharsets.UTF_8);
                    Matcher m = JAVADOC_SNIPPET.matcher(text);
                    String owner = root.relativize(f).toString().replaceFirst(".*src/main/java/", "").replace(".java", "").replace('/', '.');
                    while (m.find()) {
                        String xml = m.group(1).replaceAll("(?m)^\\s*\\* ?", "");
                        out.add(new Snippet(root.relativize(f).toString(), owner, xml));
                    }
                }
            }
        }
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        for (Path d : docs) {
            Matcher m = MARKDOWN_BLOCK.matcher(Files.readString(d, StandardCharsets.UTF_8));
            while (m.find()) {
                if (m.group(1).contains("org.jamesexim.")) {
                    out.add(new Snippet(root.relativize(d).toString(), null, m.group(1)));
                }
            }
        }
        try (Stream<Path> files = Files.walk(root.resolve("james-config"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".xml")).sorted().collect(Collectors.toList())) {
                out.add(new Snippet(root.relativize(f).toString(), null, Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** The pack's mailet and handler elements of {@code xml} (comments removed first unless {@code withComments}). */
    static List<Use> uses(Snippet s, boolean withComments) {
        String xml = COMMENT.matcher(s.xml).replaceAll(c -> withComments ? Matcher.quoteReplacement(commentedElements(c.group())) : " ");
        List<Use> out = new ArrayList<>();
        Matcher m = ELEMENT.matcher(xml);
        while (m.find()) {
            String cls = attribute(m.group(2), "class");
            Use use = new Use(s.where, m.group(1), cls, attribute(m.group(2), "match"));
            out.add(use);
            if (!m.group(3).isEmpty()) {
                continue;
            }
            int end = xml.indexOf("</" + m.group(1) + ">", m.end());
            String body = xml.substring(m.end(), end < 0 ? xml.length() : end);
            Matcher t = TAG.matcher(body);
            int depth = 0;
            int valueStart = -1;
            String name = null;
            while (t.find()) {
                boolean close = !t.group(1).isEmpty();
                boolean selfClosing = !t.group(4).isEmpty();
                if (!close && depth == 0) {
                    name = t.group(2);
                    if (selfClosing) {
                        use.parameters.put(name, "");
                        continue;
                    }
                    valueStart = t.end();
                }
                if (close) {
                    depth--;
                    if (depth == 0 && name != null) {
                        use.parameters.put(name, body.substring(valueStart, t.start()));
                        name = null;
                    }
                } else if (!selfClosing) {
                    depth++;
                }
            }
        }
        return out;
    }

    /** The complete elements ({@code <name>value</name>}) written inside a comment: parameters shown commented out. */
    static String commentedElements(String comment) {
        StringBuilder sb = new StringBuilder(" ");
        Matcher m = LEAF.matcher(comment);
        while (m.find()) {
            sb.append(m.group()).append(' ');
        }
        return sb.toString();
    }

    static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : null;
    }

    static boolean isPackClass(String name) {
        return name != null && name.startsWith("org.jamesexim.");
    }

    static Object staticField(String className, String field) {
        try {
            Field f = Class.forName(className).getField(field);
            return f.get(null);
        } catch (NoSuchFieldException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(className + ": " + e, e);
        }
    }

    /**
     * A secret is given in one of four places (SecretParam: name, nameFile, nameEnv, nameProperty; _file, _env,
     * _property for a snake-case name): a snippet shows one of them.
     */
    static boolean otherFormOfASecretShown(ParamSet params, Param<?> p, Set<String> shown) {
        String base = p.name();
        for (String suffix : List.of("File", "Env", "Property", "_file", "_env", "_property")) {
            if (p.name().endsWith(suffix)) {
                base = p.name().substring(0, p.name().length() - suffix.length());
            }
        }
        Param<?> secret = params.param(base);
        if (secret == null || !secret.isSecret()) {
            return false;
        }
        String sep = base.indexOf('_') >= 0 ? "_" : "";
        for (String form : List.of("", "File", "Env", "Property")) {
            String f = form.isEmpty() ? base : base + sep + (sep.isEmpty() ? form : form.toLowerCase(java.util.Locale.ROOT));
            if (shown.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** Parameters of James's RemoteDelivery that DsnInfoRemoteDelivery only names (James reads them). */
    static boolean jamesOwn(Param<?> p) {
        return p.doc().startsWith("read by James");
    }

    @Test
    void everySnippetShowsOnlyDeclaredParametersWithValuesTheyTake() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> classesSeen = new TreeSet<>();
        int checked = 0;
        for (Snippet s : snippets()) {
            for (Use u : uses(s, false)) {
                if (isPackClass(u.className)) {
                    classesSeen.add(u.className);
                    Object declared = staticField(u.className, "PARAMETERS");
                    if (!(declared instanceof ParamSet)) {
                        problems.add(s.where + ": " + u.className + " declares no PARAMETERS");
                        continue;
                    }
                    ParamSet params = (ParamSet) declared;
                    for (Map.Entry<String, String> e : u.parameters.entrySet()) {
                        checked++;
                        String name = e.getKey();
                        if (GlueParams.JAMES_MAILET_PARAMETERS.contains(name)
                                || u.className.endsWith("DsnInfoRemoteDelivery") && name.startsWith("mail.")) {
                            continue;
                        }
                        if (!params.knows(name)) {
                            problems.add(s.where + ": " + u.className + " does not declare <" + name + ">");
                            continue;
                        }
                        String value = e.getValue().trim();
                        if (value.contains("...") || value.contains("<")) {
                            continue; // an elided or nested value: only the name is checked
                        }
                        try {
                            params.param(name).parse(value);
                        } catch (ParamException ex) {
                            problems.add(s.where + ": " + u.className + " refuses <" + name + ">: " + ex.getMessage());
                        }
                    }
                }
                String match = u.match;
                if (match != null && isPackClass(match.split("=", 2)[0])) {
                    checked++;
                    String cls = match.split("=", 2)[0];
                    String condition = match.contains("=") ? match.split("=", 2)[1] : null;
                    classesSeen.add(cls);
                    Object declared = staticField(cls, "CONDITION");
                    if (declared == null) {
                        if (condition != null) {
                            problems.add(s.where + ": " + cls + " takes no condition, the snippet gives '" + condition + "'");
                        }
                    } else {
                        try {
                            ((Param<?>) declared).parse(condition);
                        } catch (ParamException ex) {
                            problems.add(s.where + ": " + cls + " refuses its condition: " + ex.getMessage());
                        }
                    }
                }
            }
        }
        assertThat(problems).as("snippets that disagree with their class").isEmpty();
        assertThat(checked).as("parameters and conditions checked").isGreaterThan(100);
        assertThat(classesSeen).as("pack classes the snippets show").contains("org.jamesexim.mailets.ArcSeal",
                "org.jamesexim.mailets.SrsForward", "org.jamesexim.mailets.BmiRun", "org.jamesexim.mailets.QueueFile",
                "org.jamesexim.mailets.DsnInfoBounce", "org.jamesexim.smtp.DovecotAuthHook", "org.jamesexim.smtp.ArcVerifyHook",
                "org.jamesexim.smtp.SrsRcptHook", "org.jamesexim.matchers.ArcState", "org.jamesexim.matchers.BmiRule",
                "org.jamesexim.smtp.DccHook", "org.jamesexim.matchers.Dcc",
                "org.jamesexim.smtp.DmarcVerifyHook", "org.jamesexim.mailets.DmarcVerify", "org.jamesexim.matchers.DmarcResult");
    }

    @Test
    void everyClassSnippetShowsEveryParameterItDeclares() throws IOException {
        Map<String, Set<String>> shown = new LinkedHashMap<>();
        for (Snippet s : snippets()) {
            if (s.owner == null) {
                continue;
            }
            for (Use u : uses(s, true)) {
                if (s.owner.equals(u.className)) {
                    shown.computeIfAbsent(u.className, k -> new LinkedHashSet<>()).addAll(u.parameters.keySet());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        // the SRS parameters the three SRS classes share are documented once, in docs/srs.md (and SrsSettings)
        ParamSet srsShared = (ParamSet) staticField("org.jamesexim.mailets.SrsSettings", "PARAMETERS");
        String srsDoc = Files.readString(root().resolve("docs/srs.md"), StandardCharsets.UTF_8);
        for (Param<?> p : srsShared.params()) {
            if (!srsDoc.contains("`" + p.name() + "`") && !srsDoc.contains("<" + p.name() + ">")) {
                problems.add("docs/srs.md does not name " + p.name());
            }
        }
        for (Map.Entry<String, Set<String>> e : shown.entrySet()) {
            ParamSet params = (ParamSet) staticField(e.getKey(), "PARAMETERS");
            for (Param<?> p : params.params()) {
                if (!jamesOwn(p) && !e.getValue().contains(p.name()) && srsShared.param(p.name()) != p
                    && !otherFormOfASecretShown(params, p, e.getValue())) {
                    problems.add(e.getKey() + "'s Javadoc snippet does not show <" + p.name() + ">");
                }
            }
        }
        assertThat(shown.keySet()).as("classes with their own snippet").hasSizeGreaterThan(10);
        assertThat(problems).isEmpty();
    }

    /**
     * The {@code .properties} files operators copy (james-config/, docker/distributed/conf/) and the
     * {@code properties} blocks of the docs: every key is one the reading class declares, with a value it takes.
     */
    @Test
    void everyPropertiesFileShowsOnlyDeclaredKeysWithValuesTheyTake() throws IOException {
        Map<String, String> readers = Map.of("dcc.properties", "org.jamesexim.mailets.DccService",
                "queuefile.properties", "org.jamesexim.mailets.QueueFileRequeue");
        Map<String, String> texts = new LinkedHashMap<>();
        Path root = root();
        for (Path dir : List.of(root.resolve("james-config"), root.resolve("docker/distributed/conf"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> readers.containsKey(p.getFileName().toString())).sorted().collect(Collectors.toList())) {
                    texts.put(root.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
                }
            }
        }
        Matcher block = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(root.resolve("docs/dcc.md"), StandardCharsets.UTF_8));
        while (block.find()) {
            texts.put("docs/dcc.md dcc.properties", block.group(1));
        }
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String file = e.getKey().replaceFirst(".*[/ ]", "");
            ParamSet params = (ParamSet) staticField(readers.get(file), "PARAMETERS");
            java.util.Properties p = new java.util.Properties();
            p.load(new java.io.StringReader(e.getValue()));
            for (String key : p.stringPropertyNames()) {
                checked++;
                if (!params.knows(key)) {
                    problems.add(e.getKey() + ": " + readers.get(file) + " does not declare " + key);
                    continue;
                }
                String value = p.getProperty(key);
                if (value.contains("${")) {
                    continue; // filled in by James from the environment
                }
                try {
                    params.param(key).parse(value);
                } catch (ParamException ex) {
                    problems.add(e.getKey() + ": " + readers.get(file) + " refuses " + key + ": " + ex.getMessage());
                }
            }
        }
        assertThat(texts.keySet()).as("properties checked").contains("james-config/examples/dcc.properties",
                "james-config/examples/queuefile.properties", "docs/dcc.md dcc.properties");
        assertThat(checked).isGreaterThan(20);
        assertThat(problems).isEmpty();
    }
}
