package io.walship.agent.net;

import io.walship.agent.config.ReceiverAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The order in which one exchange dials: the address that last worked first, then the configured receivers in their
 * order of preference, each host name as every address the resolver gives for it. A name is looked up only when its
 * turn comes, so a slow lookup of a later receiver never delays the first.
 */
final class FailoverOrder implements Iterator<Endpoint> {

    /** How host names become addresses: the JDK's resolver, with its cache. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Iterator<InetSocketAddress> configured;
    private final List<InetSocketAddress> all;
    private final Resolver resolver;
    private final Endpoint preferred;
    private final Deque<Endpoint> pending = new ArrayDeque<>();

    FailoverOrder(ReceiverAddresses addresses, Endpoint preferred, Resolver resolver) {
        this.all = addresses.configured();
        this.configured = addresses.startingAt(preferred == null ? 0 : preferred.index()).iterator();
        this.preferred = preferred;
        this.resolver = resolver;
    }

    /** Without a lookup: every configured receiver gives at least one endpoint, if only its lookup's failure. */
    @Override
    public boolean hasNext() {
        return !pending.isEmpty() || configured.hasNext();
    }

    @Override
    public Endpoint next() {
        peek();
        return pending.removeFirst();
    }

    /** The endpoint {@link #next} returns, without taking it. */
    Endpoint peek() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (pending.isEmpty()) {
            resolve(configured.next());
        }
        return pending.peekFirst();
    }

    private void resolve(InetSocketAddress receiver) {
        int index = all.indexOf(receiver);
        try {
            InetAddress[] addresses = resolver.resolve(receiver.getHostString());
            if (addresses.length == 0) {
                throw new UnknownHostException(receiver.getHostString() + ": no address");
            }
            for (InetAddress address : addresses) {
                Endpoint endpoint = Endpoint.resolved(receiver, index, address, addresses.length > 1);
                if (endpoint.sameAs(preferred)) {
                    pending.addFirst(endpoint);
                } else {
                    pending.addLast(endpoint);
                }
            }
        } catch (UnknownHostException e) {
            pending.add(Endpoint.unresolvable(receiver, index, e));
        }
    }
}
