package io.walship.receiver;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The user the receiver runs as: geteuid(2), which Java does not offer, through the FFM API. */
final class RunningUser {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETEUID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("geteuid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private RunningUser() {
    }

    static boolean isRoot() {
        try {
            return (int) GETEUID.invokeExact() == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("geteuid() failed", e);
        }
    }

    static String name() {
        return System.getProperty("user.name");
    }
}
