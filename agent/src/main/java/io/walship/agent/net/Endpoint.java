package io.walship.agent.net;

import io.walship.agent.config.ReceiverAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * One address to dial: a configured receiver and one of the addresses its host name resolved to (TLS checks the
 * receiver's certificate against the name), or the lookup's failure.
 *
 * @param index the configured receiver's place in the setting
 * @param several whether the name resolved to more than one address, which the text then tells apart
 */
record Endpoint(InetSocketAddress configured, int index, InetAddress address, boolean several,
        UnknownHostException lookupFailure) {

    static Endpoint resolved(InetSocketAddress configured, int index, InetAddress address, boolean several) {
        return new Endpoint(configured, index, address, several, null);
    }

    static Endpoint unresolvable(InetSocketAddress configured, int index, UnknownHostException failure) {
        return new Endpoint(configured, index, null, false, failure);
    }

    String host() {
        return configured.getHostString();
    }

    int port() {
        return configured.getPort();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, configured.getPort());
    }

    boolean sameAs(Endpoint other) {
        return other != null && index == other.index && address != null && address.equals(other.address);
    }

    String text() {
        String text = ReceiverAddresses.text(configured);
        return several ? text + " (" + address.getHostAddress() + ")" : text;
    }
}
