package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.protocol.CheckItem;
import io.walship.protocol.ProtocolVersion;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One receiver of several as walship check reports it. */
class ReceiverLineTest {

    private static final InetSocketAddress B = InetSocketAddress.createUnresolved("backup-b", 9433);
    private static final CheckItem REACHED = CheckItem.ok(CheckExchange.RECEIVER, "backup-b:9433, mutual TLS");
    private static final CheckItem REFUSED = CheckItem.failed(CheckExchange.RECEIVER,
            "cannot connect to receiver backup-b:9433 (Connection refused)");

    @Test
    void aReachedReceiverWhoseChecksPassIsOk() {
        assertEquals("receiver backup-b:9433: OK (reachable, mutual TLS, protocol " + ProtocolVersion.CURRENT + ")",
                ReceiverLine.of(B, List.of(REACHED, CheckItem.ok("bucket")), true).line());
    }

    @Test
    void aReachedReceiverTakesItsWorstCheckAndNamesTheOnesThatDidNotPass() {
        CheckItem line = ReceiverLine.of(B, List.of(REACHED, CheckItem.ok("authorized"),
                CheckItem.warning("free space", "9% free"), CheckItem.failed("bucket", "403")), true);

        assertEquals(CheckItem.Status.FAILED, line.status());
        assertEquals("reachable, mutual TLS, protocol " + ProtocolVersion.CURRENT
                + "; its checks: free space WARNING, bucket FAILED", line.detail());
    }

    @Test
    void aReceiverThatFailsIsAWarningOnlyWhileAnotherServes() {
        assertEquals(CheckItem.warning("receiver backup-b:9433", REFUSED.detail()
                + "; another receiver serves meanwhile"), ReceiverLine.of(B, List.of(REFUSED), true));
        assertEquals(CheckItem.failed("receiver backup-b:9433", REFUSED.detail()),
                ReceiverLine.of(B, List.of(REFUSED), false));
    }
}
