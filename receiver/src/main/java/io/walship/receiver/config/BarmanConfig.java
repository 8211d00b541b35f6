package io.walship.receiver.config;

import io.walship.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Barman's own configuration, read as Barman reads it, so that a server is configured once: the main file
 * (e.g. {@code /etc/barman.conf}), then every {@code *.conf} in its {@code configuration_files_directory} in name
 * order, then {@code <barman_home>/.barman.auto.conf} when it exists (written by {@code barman config-update},
 * Barman 3.10 and later). Sections other than [barman] are servers, except configuration models
 * ({@code model = true}).
 *
 * @param files the files read, in order
 * @param lockDirectory {@code barman_lock_directory}, by default barman_home
 */
public record BarmanConfig(Path file, List<Path> files, Path barmanHome, Path lockDirectory,
        Map<String, BarmanServerConfig> servers) {

    static final String GLOBAL = "barman";
    private static final Pattern QUOTED = Pattern.compile("^([\"'])(.*)\\1$", Pattern.DOTALL);
    private static final Pattern PY_FORMAT = Pattern.compile("%\\(([^)]+)\\)s");

    public static BarmanConfig load(Path file) throws ConfigException {
        BarmanIni ini = new BarmanIni();
        List<Path> files = new ArrayList<>();
        ini.read(file);
        files.add(file);
        if (!ini.hasSection(GLOBAL)) {
            throw new ConfigException(file + ": no [barman] section; is this Barman's configuration file?");
        }
        Path barmanHome = absolute(ini, file, "barman_home", global(ini, "barman_home").orElseThrow(
                () -> new ConfigException(file + ": [barman] has no barman_home, which Barman requires")));
        Optional<String> lockDirectory = global(ini, "barman_lock_directory");
        Path lockDir = lockDirectory.isPresent() ? absolute(ini, file, "barman_lock_directory", lockDirectory.get())
                : barmanHome;
        Map<String, String> globals = ini.rawItems(GLOBAL);
        Optional<String> includes = global(ini, "configuration_files_directory");
        if (includes.isPresent()) {
            Path dir = Path.of(expandUser(includes.get()));
            // Barman ignores (with a warning) a configuration_files_directory that is not a directory.
            if (Files.isDirectory(dir)) {
                for (Path include : confFiles(dir)) {
                    readInclude(ini, include, globals);
                    files.add(include);
                }
            }
        }
        Path autoConf = barmanHome.resolve(".barman.auto.conf");
        if (Files.isRegularFile(autoConf)) {
            readInclude(ini, autoConf, globals);
            files.add(autoConf);
        }
        for (String section : ini.sections()) {
            ini.checkResolvable(section);
        }
        Map<String, BarmanServerConfig> servers = new LinkedHashMap<>();
        for (String section : ini.sections()) {
            if (section.equals(GLOBAL) || isModel(ini, section)) {
                continue;
            }
            if (section.equals("all")) {
                throw new ConfigException(file + ": [all] is reserved by Barman and cannot name a server");
            }
            servers.put(section, server(ini, file, section, barmanHome, lockDir));
        }
        return new BarmanConfig(file, List.copyOf(files), barmanHome, lockDir, servers);
    }

    /** The files Barman includes: {@code *.conf}, not hidden (Python's glob skips dot files), sorted by name. */
    private static List<Path> confFiles(Path dir) throws ConfigException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".conf") && !name.startsWith(".") && Files.isRegularFile(p);
            }).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot list Barman's configuration_files_directory: " + e.getMessage(),
                    e);
        }
    }

    /** Barman stops when an included file changes [barman]; so does walship, rather than guess. */
    private static void readInclude(BarmanIni ini, Path include, Map<String, String> globals) throws ConfigException {
        ini.read(include);
        if (!ini.rawItems(GLOBAL).equals(globals)) {
            throw new ConfigException(include + ": sets keys of [barman] (or [DEFAULT]), which only the main Barman "
                    + "configuration file may do; Barman refuses this file too");
        }
    }

    private static boolean isModel(BarmanIni ini, String section) throws ConfigException {
        Optional<String> model = ini.get(section, "model", Map.of());
        if (model.isEmpty()) {
            return false;
        }
        return switch (model.get().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "1", "on" -> true;
            case "false", "f", "no", "0", "off" -> false;
            default -> throw new ConfigException(ini.raw(section, "model").get().where() + ": [" + section
                    + "] model = " + model.get() + " is not a boolean");
        };
    }

    /**
     * One server, key by key in Barman's order (each key may refer to the ones before it): the section, then
     * [barman] for the keys Barman inherits, then Barman's default. An empty value or None means unset.
     */
    private static BarmanServerConfig server(BarmanIni ini, Path file, String section, Path barmanHome, Path lockDir)
            throws ConfigException {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("name", section);
        vars.put("barman_home", barmanHome.toString());
        vars.put("barman_lock_directory", lockDir.toString());
        Path backupDirectory = directory(ini, file, section, vars, "backup_directory", false,
                "%(barman_home)s/%(name)s");
        Optional<String> compression = key(ini, section, vars, "compression", true, null);
        String compressionSource = ini.raw(section, "compression").map(v -> "[" + section + "] compression in "
                + v.where()).orElseGet(() -> ini.raw(GLOBAL, "compression").map(v -> "[barman] compression in "
                + v.where()).orElse("Barman's default (no compression)"));
        Path walsDirectory = directory(ini, file, section, vars, "wals_directory", false,
                "%(backup_directory)s/wals");
        // Barman 3.13 and later; older versions warn about the unknown key and keep xlog.db in wals_directory.
        Path xlogdbDirectory = directory(ini, file, section, vars, "xlogdb_directory", true, "%(wals_directory)s");
        Path errorsDirectory = directory(ini, file, section, vars, "errors_directory", false,
                "%(backup_directory)s/errors");
        return new BarmanServerConfig(section, new ServerDirectories(backupDirectory, walsDirectory, xlogdbDirectory,
                lockDir, errorsDirectory), compression, compressionSource);
    }

    private static Path directory(BarmanIni ini, Path file, String section, Map<String, String> vars, String key,
            boolean inherited, String fallback) throws ConfigException {
        Optional<String> value = key(ini, section, vars, key, inherited, fallback);
        if (value.isEmpty()) {
            throw new ConfigException(where(ini, file, section, key) + ": [" + section + "] " + key + " is empty; "
                    + "Barman needs a directory there");
        }
        return absolute(ini, file, key, value.get());
    }

    private static Optional<String> key(BarmanIni ini, String section, Map<String, String> vars, String key,
            boolean inherited, String fallback) throws ConfigException {
        Optional<String> value = ini.raw(section, key).isPresent() ? clean(ini.get(section, key, vars))
                : Optional.empty();
        boolean set = ini.raw(section, key).isPresent();
        if (!set && inherited && ini.raw(GLOBAL, key).isPresent()) {
            value = clean(ini.get(GLOBAL, key, vars));
            set = true;
        }
        if (!set && fallback != null) {
            value = Optional.of(pythonFormat(fallback, vars));
        }
        // An empty value (or None) is unset, and does not fall back to [barman] or the default.
        value = value.filter(v -> !v.isEmpty() && !v.equals("None"));
        vars.put(key, value.orElse(null));
        return value;
    }

    /** A [barman] value as Barman's Config.get returns it. */
    private static Optional<String> global(BarmanIni ini, String key) throws ConfigException {
        return clean(ini.get(GLOBAL, key, Map.of())).filter(v -> !v.isEmpty());
    }

    /** Barman's Config.get: a literal None (any case, in Barman 3.4) is no value; surrounding quotes go. */
    private static Optional<String> clean(Optional<String> value) {
        return value.map(v -> v.equalsIgnoreCase("none") ? "" : v).map(v -> {
            Matcher quoted = QUOTED.matcher(v);
            return quoted.matches() ? quoted.group(2) : v;
        });
    }

    /** Barman fills its defaults with Python's {@code "..." % values}. */
    private static String pythonFormat(String template, Map<String, String> vars) {
        Matcher m = PY_FORMAT.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(vars.get(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Path absolute(BarmanIni ini, Path file, String key, String value) throws ConfigException {
        Path path = Path.of(expandUser(value));
        if (!path.isAbsolute()) {
            throw new ConfigException(file + ": Barman's " + key + " = " + value + " is not an absolute path; "
                    + "Barman would resolve it against its working directory, walship cannot follow it there");
        }
        return path.normalize();
    }

    private static String expandUser(String value) {
        if (value.equals("~") || value.startsWith("~/")) {
            return System.getProperty("user.home") + value.substring(1);
        }
        return value;
    }

    private static String where(BarmanIni ini, Path file, String section, String key) {
        return ini.raw(section, key).or(() -> ini.raw(GLOBAL, key)).map(BarmanIni.Value::where)
                .orElse(file.toString());
    }
}
