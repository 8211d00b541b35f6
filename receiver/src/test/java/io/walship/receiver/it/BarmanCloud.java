package io.walship.receiver.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's barman-cloud commands (barman-cli-cloud) for one server's directory {@code s3://bucket/prefix} of an
 * S3 store on loopback, as a user types them: the account's keys in the environment, the store's endpoint as
 * {@code --endpoint-url}.
 */
record BarmanCloud(BucketAccount account, String bucket, String prefix, String server) {

    String url() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** {@code barman-cloud-wal-restore} of the archived {@code name} into {@code target}. */
    List<String> walRestore(String name, String target) {
        return command("barman-cloud-wal-restore", List.of(url(), server, name, target));
    }

    /** The restore_command that reads the archive through barman-cloud-wal-restore. */
    String restoreCommand() {
        return ShellCommand.line(walRestore("%f", "%p"));
    }

    /**
     * {@code barman-cloud-backup} of the PostgreSQL server listening on {@code socketDirectory} and {@code port},
     * named {@code name}, gzip-compressed, after an immediate checkpoint.
     */
    List<String> backup(Path socketDirectory, int port, String name) {
        return command("barman-cloud-backup", List.of("--gzip", "--immediate-checkpoint", "--host",
                socketDirectory.toString(), "--port", Integer.toString(port), "--user", "postgres", "--name", name,
                url(), server));
    }

    /** {@code barman-cloud-restore} of the backup {@code backup} (an id or a name) into {@code dir}. */
    List<String> restore(String backup, Path dir) {
        return command("barman-cloud-restore", List.of(url(), server, backup, dir.toString()));
    }

    private List<String> command(String program, List<String> args) {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(account.awsEnvironment());
        command.addAll(List.of(program, "--endpoint-url", account.endpoint().toString()));
        command.addAll(args);
        return command;
    }
}
