package io.walship.agent.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubjectAltNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "backup.example.com", "a-b.c0", "*.example.com", "xn--bcher-kva.example",
            "example.com."})
    void dnsNames(String host) throws CaException {
        assertEquals(GeneralName.dNSName, SubjectAltNames.parse(host).getTagNo());
    }

    @Test
    void dnsNamesAreLowerCasedWithoutTrailingDot() throws CaException {
        assertEquals("backup.example.com", SubjectAltNames.parse("Backup.Example.COM.").getName().toString());
    }

    @Test
    void ipv4Literal() throws CaException {
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 10}, ip(SubjectAltNames.parse("192.0.2.10")));
    }

    @Test
    void ipv6Literals() throws CaException {
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        assertArrayEquals(loopback, ip(SubjectAltNames.parse("::1")));
        assertArrayEquals(loopback, ip(SubjectAltNames.parse("[::1]")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "bad_host", "-lead.example", "trail-.example", "a..b", "1.2.3", "10.1",
            "256.1.1.1", "1.2.3.4.5", "::g", "fe80::1%eth0", "*.com", "a.*.example.com", "exa mple.com",
            "bücher.example"})
    void rejectsNonsense(String host) {
        assertThrows(CaException.class, () -> SubjectAltNames.parse(host));
    }

    @Test
    void rejectsOverlongLabelAndName() {
        assertThrows(CaException.class, () -> SubjectAltNames.parse("a".repeat(64) + ".example"));
        String longName = String.join(".", List.of("a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63)));
        assertThrows(CaException.class, () -> SubjectAltNames.parse(longName));
    }

    @Test
    void dropsDuplicatesKeepingOrder() throws CaException {
        List<GeneralName> names = SubjectAltNames.parse(List.of("b.example", "127.0.0.1", "B.example", "a.example",
                "127.0.0.1"));
        assertEquals(List.of("b.example", "127.0.0.1", "a.example"), names.stream().map(SubjectAltNamesTest::text).toList());
    }

    private static byte[] ip(GeneralName name) {
        assertEquals(GeneralName.iPAddress, name.getTagNo());
        return ASN1OctetString.getInstance(name.getName()).getOctets();
    }

    private static String text(GeneralName name) {
        if (name.getTagNo() == GeneralName.iPAddress) {
            byte[] ip = ip(name);
            return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
        }
        return name.getName().toString();
    }
}
