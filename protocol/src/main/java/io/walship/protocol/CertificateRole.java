package io.walship.protocol;

/** The end of a walship connection a certificate authenticates, and the extended key usage that allows it. */
public enum CertificateRole {
    /** An agent: walship issues it without --host, for clientAuth only. */
    CLIENT("clientAuth", "1.3.6.1.5.5.7.3.2", "the client certificate"),
    /** The receiver: walship issues it with --host, for serverAuth only. */
    SERVER("serverAuth", "1.3.6.1.5.5.7.3.1", "the receiver's certificate");

    static final String ANY_USAGE = "2.5.29.37.0";

    private final String usage;
    private final String usageOid;
    private final String peerNoun;

    CertificateRole(String usage, String usageOid, String peerNoun) {
        this.usage = usage;
        this.usageOid = usageOid;
        this.peerNoun = peerNoun;
    }

    /** The name of the extended key usage, as RFC 5280 and openssl spell it. */
    String usage() {
        return usage;
    }

    String usageOid() {
        return usageOid;
    }

    /** How the other end names a certificate of this role it was sent. */
    String peerNoun() {
        return peerNoun;
    }
}
