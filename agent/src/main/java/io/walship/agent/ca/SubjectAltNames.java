package io.walship.agent.ca;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;

/**
 * Turns {@code --host} values into subjectAltName entries: IP literals become iPAddress names, everything
 * else must be a syntactically valid DNS name. Nothing is ever resolved: the certificate must say exactly
 * what the operator typed, whatever DNS says today.
 */
final class SubjectAltNames {

    /** Strict dotted quad; the JDK's literal parser also accepts forms like "10.1" that nobody means. */
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final int MAX_DNS_NAME = 253;

    private SubjectAltNames() {
    }

    /** Parses the hosts in order, dropping duplicates. */
    static List<GeneralName> parse(List<String> hosts) throws CaException {
        Set<GeneralName> names = new LinkedHashSet<>();
        for (String host : hosts) {
            names.add(parse(host));
        }
        return List.copyOf(names);
    }

    static GeneralName parse(String host) throws CaException {
        String value = host.strip();
        if (value.isEmpty()) {
            throw new CaException("--host must not be empty; give a DNS name or an IP address");
        }
        if (IPV4.matcher(value).matches() || value.contains(":")) {
            return new GeneralName(GeneralName.iPAddress, new DEROctetString(ipAddress(value)));
        }
        return new GeneralName(GeneralName.dNSName, dnsName(value));
    }

    private static byte[] ipAddress(String value) throws CaException {
        String literal = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
        if (literal.contains("%")) {
            throw new CaException("--host " + value + ": IPv6 scope ids (%...) cannot appear in a certificate; "
                    + "give the address without it");
        }
        try {
            return InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            throw new CaException("--host " + value + " is not a valid IP address", e);
        }
    }

    private static String dnsName(String value) throws CaException {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        String[] labels = name.split("\\.", -1);
        boolean valid = !name.isEmpty() && name.length() <= MAX_DNS_NAME
                && !DIGITS.matcher(labels[labels.length - 1]).matches();
        for (int i = 0; valid && i < labels.length; i++) {
            // A wildcard is only meaningful as the whole leftmost label of a name with at least two more.
            boolean wildcard = i == 0 && labels[i].equals("*") && labels.length >= 3;
            valid = wildcard || LABEL.matcher(labels[i]).matches();
        }
        if (!valid) {
            throw new CaException("--host " + value + " is neither a DNS name nor an IPv4/IPv6 address "
                    + "(examples: backup.example.com, 192.0.2.10, 2001:db8::10)");
        }
        return name;
    }
}
