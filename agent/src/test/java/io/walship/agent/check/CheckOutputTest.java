package io.walship.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.walship.protocol.CheckItem;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckOutputTest {

    @Test
    void linesInTheMannerOfBarmanCheck() {
        CheckOutput output = new CheckOutput("pg", List.of(CheckItem.ok("configuration", "/etc/walship/walship.conf"),
                CheckItem.ok("agent"), CheckItem.failed("key_file", "mode 0644; chmod 600 /etc/walship/pg1.key")));

        assertEquals(String.join(System.lineSeparator(), "Server pg:", "\tconfiguration: OK (/etc/walship/walship.conf)",
                "\tagent: OK", "\tkey_file: FAILED (mode 0644; chmod 600 /etc/walship/pg1.key)", ""), output.lines());
        assertTrue(output.failed());
    }

    @Test
    void nagiosStatusIsTheWorstItem() {
        assertEquals(0, new CheckOutput("pg", List.of(CheckItem.ok("a"))).nagiosStatus());
        assertEquals(1, new CheckOutput("pg", List.of(CheckItem.ok("a"), CheckItem.warning("b", "soon")))
                .nagiosStatus());
        assertEquals(2, new CheckOutput("pg", List.of(CheckItem.warning("b", "soon"), CheckItem.failed("c", "x")))
                .nagiosStatus());
        assertFalse(new CheckOutput("pg", List.of(CheckItem.warning("b", "soon"))).failed());
    }

    @Test
    void nagiosLineNamesTheProblemsAndCarriesPerfdata() {
        CheckOutput output = new CheckOutput("pg", List.of(CheckItem.ok("a"), CheckItem.warning("cert_file", "soon"),
                CheckItem.failed("receiver", "cannot connect | really")));

        assertEquals("WALSHIP CHECK CRITICAL - server pg: 2 of 3 checks not OK: cert_file, receiver; cert_file: "
                + "WARNING (soon) | checks=3 failed=1 warnings=1", output.nagios());
        assertEquals("WALSHIP CHECK OK - server pg: 1 checks passed | checks=1 failed=0 warnings=0",
                new CheckOutput("pg", List.of(CheckItem.ok("a"))).nagios());
    }
}
