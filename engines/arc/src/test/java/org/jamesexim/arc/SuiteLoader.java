package org.jamesexim.arc;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads the ValiMail ARC test suite from {@code shared/vectors/arc}. The YAML is read as a node tree, so a
 * mapping key that appears twice (four test ids do in the validation file) is kept: the earlier, shadowed entry
 * is renamed {@code <id>_shadowed1}, as in the suite's all175 copy, and every entry runs.
 */
final class SuiteLoader {
    private SuiteLoader() {
    }

    static Path vectors() {
        String shared = System.getProperty("shared.dir");
        Path dir = Paths.get(shared == null ? "../../../shared" : shared).resolve("vectors/arc");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("ARC vectors not found at " + dir.toAbsolutePath()
                    + " (the root pom sets -Dshared.dir)");
        }
        return dir;
    }

    /** Every scenario of a suite file: each a map with "tests" (id → test map) and the scenario keys. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> scenarios(String file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        options.setCodePointLimit(50 * 1024 * 1024);
        Yaml yaml = new Yaml(options);
        List<Map<String, Object>> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(vectors().resolve(file), StandardCharsets.UTF_8)) {
            for (Node doc : yaml.composeAll(r)) {
                out.add((Map<String, Object>) convert(doc));
            }
        }
        return out;
    }

    private static Object convert(Node node) {
        if (node instanceof ScalarNode) {
            return ((ScalarNode) node).getValue();
        }
        if (node instanceof SequenceNode) {
            List<Object> l = new ArrayList<>();
            for (Node n : ((SequenceNode) node).getValue()) {
                l.add(convert(n));
            }
            return l;
        }
        MappingNode m = (MappingNode) node;
        // count occurrences first so that the earlier duplicates get the "_shadowed" names
        Map<String, Integer> total = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            total.merge(((ScalarNode) t.getKeyNode()).getValue(), 1, Integer::sum);
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            int k = seen.merge(key, 1, Integer::sum);
            int count = total.get(key);
            String name = k < count ? key + "_shadowed" + k : key;
            if (!used.add(name)) {
                throw new IllegalStateException("cannot name duplicate key " + key);
            }
            out.put(name, convert(t.getValueNode()));
        }
        return out;
    }
}
