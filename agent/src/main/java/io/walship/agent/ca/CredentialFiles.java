package io.walship.agent.ca;

import java.nio.file.Path;

/** The certificate and private-key files written together by {@link CertificateAuthority}. */
public record CredentialFiles(Path certificate, Path privateKey) {
}
