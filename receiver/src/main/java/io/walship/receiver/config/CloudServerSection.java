package io.walship.receiver.config;

import io.walship.config.ConfigException;
import io.walship.config.IniSection;
import io.walship.receiver.compress.CloudCompression;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/** A server section with {@code storage = s3}: where its bucket is, how the receiver gets in, how WAL is stored. */
final class CloudServerSection {

    static final String STORAGE = "s3";
    static final Set<String> KEYS = Set.of("storage", "clients", "endpoint", "bucket", "prefix", "region",
            "credentials_file", "profile", "path_style", "compression", "temp_directory");
    /** Where a region is needed but the endpoint is not AWS: any name signs requests, this one is the usual. */
    private static final String ENDPOINT_REGION = "us-east-1";
    /** S3's rules for bucket names that work with both path-style and virtual-hosted requests. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private CloudServerSection() {
    }

    static CloudServer parse(IniSection section, Set<String> clients) throws ConfigException {
        section.allowOnly(KEYS);
        Optional<URI> endpoint = endpoint(section);
        String bucket = section.require("bucket", "the bucket's name");
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw section.invalid("bucket", "a bucket name of 3 to 63 lower-case letters, digits, '.' and '-'");
        }
        String region = section.optional("region").isPresent() || endpoint.isEmpty()
                ? section.require("region", "the bucket's AWS region, e.g. eu-west-1 (or an endpoint for another "
                        + "store)")
                : ENDPOINT_REGION;
        if (!REGION.matcher(region).matches()) {
            throw section.invalid("region", "a region name such as eu-west-1");
        }
        Optional<String> profile = section.optional("profile");
        Optional<CloudServer.Credentials> credentials = Optional.empty();
        if (section.optional("credentials_file").isPresent()) {
            credentials = Optional.of(credentials(section, profile.orElse("default")));
        } else if (profile.isPresent()) {
            throw new ConfigException(section.where("profile") + ": [" + section.name() + "] profile needs "
                    + "credentials_file, the file that holds it; add it or remove profile");
        }
        CloudCompression compression = section.optional("compression").map(value -> CloudCompression
                .fromConfig(value)).orElse(Optional.of(CloudCompression.GZIP)).orElseThrow(() -> section.invalid(
                "compression", CloudCompression.configChoices() + " (what barman-cloud-wal-restore reads)"));
        return new CloudServer(section.name(), clients, endpoint, bucket, prefix(section), region,
                section.bool("path_style", endpoint.isPresent()), credentials, compression, tempDirectory(section));
    }

    private static Optional<URI> endpoint(IniSection section) throws ConfigException {
        Optional<String> value = section.optional("endpoint");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String expected = "the store's URL, http:// or https://, a host and maybe a port, e.g. "
                + "https://s3.example.net:7480";
        try {
            URI uri = new URI(value.get());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null
                    || !(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
                throw section.invalid("endpoint", expected);
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            throw section.invalid("endpoint", expected);
        }
    }

    /** As barman-cloud takes the path of {@code s3://bucket/path}: without the slashes at its ends. */
    private static String prefix(IniSection section) throws ConfigException {
        String prefix = section.optional("prefix").orElse("").replaceAll("^/+|/+$", "");
        for (String part : prefix.isEmpty() ? new String[0] : prefix.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || !part.chars().allMatch(c -> c > 0x20
                    && c < 0x7F)) {
                throw section.invalid("prefix", "a path of names separated by single slashes, no '.' or '..', "
                        + "printable ASCII without spaces, e.g. walship/prod");
            }
        }
        return prefix;
    }

    /** Bucket credentials are the receiver's alone: a file others may read is refused, as ssh refuses keys. */
    private static CloudServer.Credentials credentials(IniSection section, String profile) throws ConfigException {
        Path file = section.readableFile("credentials_file");
        String where = section.where("credentials_file") + ": [" + section.name() + "] credentials_file = " + file;
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHER::contains)) {
                throw new ConfigException(where + " may be read or written by users other than its owner ("
                        + PosixFilePermissions.toString(permissions) + "); make it the "
                        + "receiver's user's alone: chmod 600 " + file);
            }
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot read its permissions (" + e.getMessage() + ")");
        }
        Optional<Profile> found;
        try {
            found = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build().profile(profile);
        } catch (RuntimeException e) {
            throw new ConfigException(where + " is not an AWS credentials file (" + e.getMessage() + ")");
        }
        if (found.isEmpty() || found.get().property("aws_access_key_id").isEmpty()
                || found.get().property("aws_secret_access_key").isEmpty()) {
            throw new ConfigException(where + " has no profile [" + profile + "] with aws_access_key_id and "
                    + "aws_secret_access_key; add them or set profile to the one that has them");
        }
        return new CloudServer.Credentials(file, profile);
    }

    private static Path tempDirectory(IniSection section) throws ConfigException {
        Path dir = section.optional("temp_directory").map(section::path)
                .orElse(Path.of(System.getProperty("java.io.tmpdir")));
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigException(section.where("temp_directory") + ": [" + section.name() + "] temp_directory "
                    + "= " + dir + " is not a directory the receiver may write; uploads are checked there before "
                    + "they go to the bucket, so create it or name another on a local disk");
        }
        return dir;
    }
}
