package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A single-node Ceph cluster with its RADOS Gateway on loopback, brought up by {@code src/test/rgw/start} in a
 * temporary directory: one per test JVM, as Ceph is the heaviest thing the suite starts. A test class gets it as a
 * parameter through {@link Shared}, which starts it for the first class that asks and keeps it in JUnit's root
 * store, which closes it (the daemons stopped, the directory deleted) when every test has run. Each class works in
 * a bucket of its own.
 */
final class RgwGateway implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> DAEMONS = List.of("radosgw", "ceph-mon", "ceph-osd");

    private final Path scripts;
    private final Path dir;
    private final BucketAccount account;
    private final S3Client client;

    private RgwGateway(Path scripts, Path dir, BucketAccount account) {
        this.scripts = scripts;
        this.dir = dir;
        this.account = account;
        this.client = account.client();
    }

    /** Resolves a parameter of type {@link RgwGateway}: the JVM's one gateway, started on first use. */
    static final class Shared implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == RgwGateway.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(RgwGateway.class))
                    .getOrComputeIfAbsent(RgwGateway.class, key -> start(), RgwGateway.class);
        }
    }

    private static RgwGateway start() {
        for (String daemon : DAEMONS) {
            if (Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                    .noneMatch(p -> !p.isEmpty() && Files.isExecutable(Path.of(p, daemon)))) {
                fail("Ceph's " + daemon + " is not on PATH: install Debian's radosgw ceph-mon ceph-osd (.ci/run"
                        + " does), which the object-storage tests run against");
            }
        }
        Path scripts = Path.of("src/test/rgw").toAbsolutePath();
        if (!Files.isExecutable(scripts.resolve("start"))) {
            fail(scripts.resolve("start") + " is missing: run the integration tests in the receiver module");
        }
        try {
            Path dir = RunAs.tempDir("walship-rgw-");
            Proc.Result started = Proc.run(List.of(scripts.resolve("start").toString(), dir.toString()), dir, null,
                    START_TIMEOUT);
            if (started.exitCode() != 0) {
                RunAs.deleteTree(dir);
                fail("the RADOS Gateway did not start (" + scripts.resolve("start") + " " + dir + "): "
                        + started.describe());
            }
            Properties env = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve("s3.env"))) {
                env.load(in);
            }
            return new RgwGateway(scripts, dir, new BucketAccount(URI.create(env.getProperty("S3_ENDPOINT")),
                    env.getProperty("S3_ACCESS_KEY"), env.getProperty("S3_SECRET_KEY"),
                    env.getProperty("S3_REGION")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the RADOS Gateway", e);
        }
    }

    BucketAccount account() {
        return account;
    }

    /** The gateway's client, shared by the test classes. */
    S3Client client() {
        return client;
    }

    /** A new, empty bucket; RGW accepts only its zone group's name, {@code default}, as location constraint. */
    String createBucket(String name) {
        client.createBucket(b -> b.bucket(name));
        return name;
    }

    /** A bucket server section of a receiver.conf for {@code bucket}, reading the keys from {@code credentials}. */
    Map<String, String> serverSection(String bucket, String prefix, Path credentials, String profile,
            Path tempDirectory) {
        Map<String, String> keys = account.serverSection(bucket, prefix, credentials, profile, tempDirectory);
        keys.put("compression", "gzip");
        return keys;
    }

    @Override
    public void close() throws IOException {
        client.close();
        try {
            Proc.run(List.of(scripts.resolve("stop").toString(), dir.toString()), dir, null, Duration.ofMinutes(1))
                    .assertSuccess("stopping the RADOS Gateway");
        } finally {
            RunAs.deleteTree(dir);
        }
    }
}
