package io.walship.agent.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.agent.Checkout;
import io.walship.agent.config.AgentConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/lib/spool.sh mirrors the spool's names that the launcher reads; here each is held against {@link SpoolLayout},
 * and the server's spool directory the script finds against the one {@link AgentConfig} resolves.
 */
class SpoolLayoutScriptTest {

    @TempDir
    Path dir;

    @Test
    void theScriptNamesWhatSpoolLayoutNames() throws Exception {
        assertEquals(String.join("\n", SpoolLayout.DEFAULT_ROOT.toString(), SpoolLayout.AGENT_PID,
                SpoolLayout.AGENT_LOG, SpoolLayout.HELD, SpoolLayout.SHIPPED, BackgroundProcess.MAIN_CLASS), bash("""
                printf '%s\\n' "$spool_default_root" "$spool_agent_pid" "$spool_agent_log" "$spool_held" \\
                  "$spool_shipped" "$walship_main"
                """).strip());
    }

    @Test
    void theServersSpoolDirectoryIsWhereJavaFindsIt() throws Exception {
        for (String spoolDirectory : List.of("", "spool_directory = /srv/spool\n", "spool_directory = var/spool\n",
                "spool_directory = ../spool\n", "spool_directory =\n", "spool_directory = /srv/./a/../spool/\n")) {
            Path config = config(dir.resolve("etc"), spoolDirectory);

            assertEquals(AgentConfig.load(config).spool().dir().toString(), spoolDir(config), "for "
                    + spoolDirectory.strip());
        }
    }

    /** Java takes a .. away by name, not through a symbolic link as the kernel would: so must the launcher. */
    @Test
    void aDotDotAfterASymbolicLinkIsTakenAwayByName() throws Exception {
        Path real = Files.createDirectories(dir.resolve("deep/etc"));
        Path link = Files.createSymbolicLink(dir.resolve("etc-link"), real);
        Path config = config(real, "spool_directory = ../spool\n");

        Path viaLink = link.resolve(config.getFileName());

        assertEquals(dir.resolve("spool/pg"), AgentConfig.load(viaLink).spool().dir());
        assertEquals(dir.resolve("spool/pg").toString(), spoolDir(viaLink));
    }

    private static String spoolDir(Path config) throws Exception {
        return bash("spool_dir_of \"$1\" && printf %s \"$spool_dir\"", config.toString());
    }

    private Path config(Path etc, String extra) throws Exception {
        for (String file : List.of("ca.crt", "pg1.crt", "pg1.key")) {
            Files.writeString(dir.resolve(file), "placeholder: only readability is checked when loading\n");
        }
        return Files.writeString(Files.createDirectories(etc).resolve("walship.conf"), """
                [agent]
                receiver = 127.0.0.1:9433
                server = pg
                ca_file = %1$s/ca.crt
                cert_file = %1$s/pg1.crt
                key_file = %1$s/pg1.key
                """.formatted(dir) + extra);
    }

    /** Runs {@code script} with {@code args} after sourcing bin/lib/spool.sh; its stdout. */
    private static String bash(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", ". \"$0\"\n" + script,
                Checkout.root().resolve("bin/lib/spool.sh").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output;
    }
}
