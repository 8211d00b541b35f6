package io.walship.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the help of a walship command must look like, each command of a tree rendered as {@code --help} prints it:
 * no line wider than the help; every indented line of the description and the footer, where examples live (a
 * command line, a setting, a list), printed whole; and no word of the text (a host name, a path, an option)
 * broken across two lines. Prose paragraphs wrap at spaces.
 */
public final class HelpLayout {

    private HelpLayout() {
    }

    /** {@code root} and every command below it, hidden ones included, by qualified name. */
    public static Map<String, CommandLine> commands(CommandLine root) {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        collect(root, all);
        return all;
    }

    private static void collect(CommandLine command, Map<String, CommandLine> all) {
        all.put(command.getCommandSpec().qualifiedName(), command);
        command.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    /** What is wrong with the help of {@code command}, one line each; empty when nothing is. */
    public static List<String> problems(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        String help = command.getUsageMessage(Ansi.OFF);
        List<String> lines = help.lines().map(String::stripTrailing).toList();
        List<String> problems = new ArrayList<>();
        int width = spec.usageMessage().width();
        for (String line : lines) {
            if (line.length() > width) {
                problems.add("a line wider than " + width + " columns: " + line);
            }
        }
        String[] description = spec.usageMessage().description();
        String[] footer = spec.usageMessage().footer();
        String[] texts = Stream.of(description, footer).flatMap(Arrays::stream).toArray(String[]::new);
        for (String example : formatted(texts)) {
            if (example.startsWith(" ") && !lines.contains(example.stripTrailing())) {
                problems.add("an example not printed on one line: " + example);
            }
        }
        for (String word : words(spec)) {
            if (lines.stream().noneMatch(line -> line.contains(word))) {
                problems.add("a word broken across lines: " + word);
            }
        }
        return problems;
    }

    /** The words of the description, the footer and every option's and parameter's description. */
    private static List<String> words(CommandSpec spec) {
        Stream<String> texts = Stream.of(spec.usageMessage().description(), spec.usageMessage().footer())
                .flatMap(Arrays::stream);
        Stream<String> arguments = spec.args().stream().filter(arg -> !arg.hidden())
                .map(ArgSpec::description).flatMap(Arrays::stream);
        return formatted(Stream.concat(texts, arguments).toArray(String[]::new)).stream()
                .flatMap(text -> Arrays.stream(text.split("\\s+"))).filter(word -> !word.isEmpty()).distinct()
                .toList();
    }

    /** Picocli's texts are format strings ({@code %%}, {@code %n}), split into the lines they make. */
    private static List<String> formatted(String[] texts) {
        List<String> lines = new ArrayList<>();
        for (String text : texts) {
            String shown;
            try {
                shown = String.format(Locale.ROOT, text);
            } catch (IllegalFormatException e) {
                shown = text;
            }
            lines.addAll(shown.lines().toList());
        }
        return lines;
    }
}
