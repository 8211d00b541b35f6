package io.walship.receiver.config;

import io.walship.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Barman's configuration files read the way Barman reads them: Python's ConfigParser with {@code strict=False}
 * and its default basic interpolation. That differs from walship's own INI files in ways that change values:
 * several files merge into one (a later file or section overrides earlier keys), a {@code [DEFAULT]} section
 * feeds every section, indented lines continue the previous value, {@code #} and {@code ;} start a comment only
 * at the start of a line (so {@code compression = gzip ; fast} is the value {@code gzip ; fast}), and
 * {@code %(name)s} refers to another value ({@code %%} is a percent sign).
 */
final class BarmanIni {

    static final String DEFAULT_SECTION = "DEFAULT";

    /** Python's MAX_INTERPOLATION_DEPTH. */
    private static final int MAX_DEPTH = 10;
    /** ConfigParser.SECTCRE, matched at the start of the stripped line: the name runs to the last ']'. */
    private static final Pattern SECTION = Pattern.compile("\\[(.+)]");
    /** ConfigParser's option line with the default delimiters '=' and ':'. */
    private static final Pattern OPTION = Pattern.compile("(.*?)\\s*[=:]\\s*(.*)");
    private static final Pattern REFERENCE = Pattern.compile("%\\(([^)]+)\\)s");
    private static final Pattern NON_SPACE = Pattern.compile("\\S");

    /** A raw value and where it was set (the line of its key). */
    record Value(String text, Path file, int line) {
        String where() {
            return file + ":" + line;
        }
    }

    private final Map<String, Map<String, Value>> sections = new LinkedHashMap<>();
    private final Map<String, Value> defaults = new LinkedHashMap<>();

    /** Adds one file, as {@code ConfigParser.read} does: sections and keys already known are overridden. */
    void read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such Barman configuration file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read Barman configuration file: " + e.getMessage(), e);
        }
        // Values are collected line by line and joined at the end of the file, like ConfigParser does.
        Map<Value, List<String>> pending = new LinkedHashMap<>();
        Map<String, Value> current = null;
        String option = null;
        Value optionValue = null;
        int indentLevel = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNumber = i + 1;
            String stripped = line.strip();
            boolean comment = stripped.startsWith("#") || stripped.startsWith(";");
            String value = comment ? "" : stripped;
            if (value.isEmpty()) {
                // An empty line (not a comment) belongs to a multi-line value; a comment line is skipped.
                if (!comment && current != null && option != null) {
                    pending.get(optionValue).add("");
                }
                continue;
            }
            Matcher nonSpace = NON_SPACE.matcher(line);
            int indent = nonSpace.find() ? nonSpace.start() : 0;
            if (current != null && option != null && indent > indentLevel) {
                pending.get(optionValue).add(value);
                continue;
            }
            indentLevel = indent;
            Matcher section = SECTION.matcher(value);
            if (section.lookingAt()) {
                String name = section.group(1);
                current = name.equals(DEFAULT_SECTION) ? defaults
                        : sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
                option = null;
                continue;
            }
            if (current == null) {
                throw new ConfigException(file + ":" + lineNumber + ": '" + value + "' comes before any [section]; "
                        + "Barman cannot read this file either");
            }
            Matcher entry = OPTION.matcher(value);
            if (!entry.matches() || entry.group(1).isEmpty()) {
                throw new ConfigException(file + ":" + lineNumber + ": cannot parse '" + value + "'; expected "
                        + "[section] or key = value (Barman cannot read this file either)");
            }
            option = entry.group(1).strip().toLowerCase(Locale.ROOT);
            optionValue = new Value("", file, lineNumber);
            List<String> parts = new ArrayList<>();
            parts.add(entry.group(2).strip());
            pending.put(optionValue, parts);
            current.put(option, optionValue);
        }
        // Replace the placeholders with the joined text, wherever they still are.
        for (Map<String, Value> options : allSections()) {
            options.replaceAll((key, v) -> pending.containsKey(v)
                    ? new Value(String.join("\n", pending.get(v)).stripTrailing(), v.file(), v.line()) : v);
        }
    }

    private List<Map<String, Value>> allSections() {
        List<Map<String, Value>> all = new ArrayList<>();
        all.add(defaults);
        all.addAll(sections.values());
        return all;
    }

    boolean hasSection(String name) {
        return sections.containsKey(name);
    }

    /** Section names in the order they first appeared, without [DEFAULT]. */
    List<String> sections() {
        return List.copyOf(sections.keySet());
    }

    /** The raw values of a section, [DEFAULT] included, as ConfigParser's {@code items(section, raw=True)}. */
    Map<String, String> rawItems(String section) {
        Map<String, String> items = new LinkedHashMap<>();
        defaults.forEach((k, v) -> items.put(k, v.text()));
        sections.getOrDefault(section, Map.of()).forEach((k, v) -> items.put(k, v.text()));
        return items;
    }

    /** Where a key of a section (or of [DEFAULT]) is set. */
    Optional<Value> raw(String section, String option) {
        Value value = sections.getOrDefault(section, Map.of()).get(option);
        return Optional.ofNullable(value != null ? value : defaults.get(option));
    }

    /**
     * Resolves every value of a section (and of [DEFAULT]) on its own, as Barman does when it validates a section
     * ({@code ConfigParser.items(section)}): a {@code %(name)s} must then name a key of the section or of
     * [DEFAULT]. Barman stops on the first one that does not, so walship refuses the file too.
     */
    void checkResolvable(String section) throws ConfigException {
        for (String option : rawItems(section).keySet()) {
            try {
                get(section, option, Map.of());
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (Barman cannot read this file either)", e);
            }
        }
    }

    /**
     * ConfigParser's {@code get(section, option, vars=vars)}: the value is looked up in {@code vars}, then the
     * section, then [DEFAULT], and its {@code %(name)s} references resolve the same way. A {@code vars} entry
     * mapped to {@code null} is a value Barman has computed as None.
     */
    Optional<String> get(String section, String option, Map<String, String> vars) throws ConfigException {
        String key = option.toLowerCase(Locale.ROOT);
        if (vars.containsKey(key)) {
            return Optional.ofNullable(vars.get(key));
        }
        Optional<Value> value = raw(section, key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        interpolate(section, value.get(), value.get().text(), vars, out, 1);
        return Optional.of(out.toString());
    }

    private void interpolate(String section, Value origin, String rest, Map<String, String> vars, StringBuilder out,
            int depth) throws ConfigException {
        if (depth > MAX_DEPTH) {
            throw new ConfigException(origin.where() + ": [" + section + "] value '" + origin.text() + "' refers to "
                    + "itself through %(...)s more than " + MAX_DEPTH + " levels deep");
        }
        int at = 0;
        while (at < rest.length()) {
            int percent = rest.indexOf('%', at);
            if (percent < 0) {
                out.append(rest, at, rest.length());
                return;
            }
            out.append(rest, at, percent);
            if (rest.startsWith("%%", percent)) {
                out.append('%');
                at = percent + 2;
                continue;
            }
            Matcher reference = REFERENCE.matcher(rest).region(percent, rest.length());
            if (!rest.startsWith("%(", percent) || !reference.lookingAt()) {
                throw new ConfigException(origin.where() + ": [" + section + "] value '" + origin.text() + "': a '%' "
                        + "must be followed by '%' or '(name)s'; write %% for a percent sign");
            }
            String name = reference.group(1).toLowerCase(Locale.ROOT);
            at = reference.end();
            String replacement;
            if (vars.containsKey(name)) {
                replacement = vars.get(name);
                if (replacement == null) {
                    throw new ConfigException(origin.where() + ": [" + section + "] value '" + origin.text()
                            + "' refers to %(" + name + ")s, which Barman leaves unset");
                }
            } else {
                Optional<Value> referenced = raw(section, name);
                if (referenced.isEmpty()) {
                    throw new ConfigException(origin.where() + ": [" + section + "] value '" + origin.text()
                            + "' refers to %(" + name + ")s, but neither [" + section + "] nor [DEFAULT] sets "
                            + name);
                }
                replacement = referenced.get().text();
            }
            if (replacement.indexOf('%') >= 0) {
                interpolate(section, origin, replacement, vars, out, depth + 1);
            } else {
                out.append(replacement);
            }
        }
    }
}
