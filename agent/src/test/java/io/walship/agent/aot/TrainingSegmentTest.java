package io.walship.agent.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.walship.wal.WalFileName;
import io.walship.wal.WalHeaderCheck;
import io.walship.wal.WalPageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training run's fake segment must pass every check the agent and the receiver make. */
class TrainingSegmentTest {

    @TempDir
    Path dir;

    @Test
    void headerMatchesTheNameAndSize() {
        WalFileName name = WalFileName.parse("000000030000000200000041");
        byte[] bytes = new byte[WalPageHeader.SIZE];
        TrainingSegment.header(name).get(bytes);
        WalPageHeader header = WalPageHeader.parse(bytes);

        assertEquals(0xD110, header.magic());
        assertEquals("15", header.majorVersion());
        assertEquals(3, header.timeline());
        assertEquals(0x2_4100_0000L, header.pageAddress());
        assertEquals(TrainingSegment.SYSTEM_ID, header.systemId());
        assertEquals(8192, header.blockSize());
        assertEquals(Optional.empty(), WalHeaderCheck.problem(name, 16L << 20, header));
    }

    @Test
    void fileIsSixteenMibOfHeaderThenZeros() throws IOException {
        WalFileName name = WalFileName.parse(AotTrainingCommand.SEGMENT);
        Path file = dir.resolve(name.name());
        TrainingSegment.write(name, file);

        assertEquals(16L << 20, Files.size(file));
        try (InputStream in = Files.newInputStream(file)) {
            WalPageHeader header = WalPageHeader.parse(in.readNBytes(WalPageHeader.SIZE));
            assertEquals(Optional.empty(), WalHeaderCheck.problem(name, Files.size(file), header));
            byte[] rest = in.readAllBytes();
            assertEquals(-1, java.util.Arrays.mismatch(rest, new byte[rest.length]));
        }
    }
}
