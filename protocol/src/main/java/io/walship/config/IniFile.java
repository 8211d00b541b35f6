package io.walship.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An INI file as barman.conf writes them: {@code [section]}, {@code key = value} (or {@code key: value}),
 * full-line comments with {@code #} or {@code ;}. Parsed by hand because the format is tiny and the
 * Java INI libraries neither report line numbers nor reject duplicates.
 */
public final class IniFile {

    private static final Pattern SECTION = Pattern.compile("\\[\\s*([^\\]]+?)\\s*]");
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9_.-]+)\\s*[=:]\\s*(.*)");
    private static final Pattern INLINE_COMMENT = Pattern.compile("\\s+[#;].*$");

    private final Path file;
    private final Map<String, IniSection> sections;

    private IniFile(Path file, Map<String, IniSection> sections) {
        this.file = file;
        this.sections = sections;
    }

    public static IniFile load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such configuration file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read configuration file: " + e.getMessage());
        }
        return parse(file, lines);
    }

    static IniFile parse(Path file, List<String> lines) throws ConfigException {
        Map<String, IniSection> sections = new LinkedHashMap<>();
        IniSection current = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            line = INLINE_COMMENT.matcher(line).replaceFirst("").strip();
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                String name = section.group(1);
                if (sections.containsKey(name)) {
                    throw new ConfigException(file + ":" + lineNumber + ": section [" + name
                            + "] appears twice; merge the two sections");
                }
                current = new IniSection(file, name, lineNumber);
                sections.put(name, current);
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                throw new ConfigException(file + ":" + lineNumber + ": cannot parse '" + line
                        + "'; expected [section] or key = value");
            }
            if (current == null) {
                throw new ConfigException(file + ":" + lineNumber + ": '" + entry.group(1)
                        + "' is outside any section; put it below a [section] header");
            }
            current.put(entry.group(1).toLowerCase(java.util.Locale.ROOT), entry.group(2).strip(), lineNumber);
        }
        return new IniFile(file, sections);
    }

    public Path file() {
        return file;
    }

    public Optional<IniSection> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /** The section {@code name}; when it is missing, the error names the sections there are, one perhaps misspelt. */
    public IniSection requireSection(String name) throws ConfigException {
        IniSection section = sections.get(name);
        if (section == null) {
            throw new ConfigException(file + ": missing section [" + name + "]" + (sections.isEmpty() ? "" : "; the file "
                    + "has " + bracketed(sections.keySet()) + ": is one of them meant to be [" + name + "]?"));
        }
        return section;
    }

    /** Fails on the first section not in {@code expected}: a misspelt section must not leave its settings unread. */
    public void allowOnlySections(Set<String> expected) throws ConfigException {
        for (IniSection section : sections.values()) {
            if (!expected.contains(section.name())) {
                throw new ConfigException(file + ":" + section.line() + ": unknown section [" + section.name()
                        + "]; expected " + bracketed(new TreeSet<>(expected)));
            }
        }
    }

    private static String bracketed(Collection<String> names) {
        return names.stream().map(name -> "[" + name + "]").collect(Collectors.joining(", "));
    }

    public List<IniSection> sections() {
        return new ArrayList<>(sections.values());
    }
}
