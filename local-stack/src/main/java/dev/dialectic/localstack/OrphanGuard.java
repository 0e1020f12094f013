package dev.dialectic.localstack;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Entry point of every child JVM of the local stack: {@code OrphanGuard <parent-pid> <main-class> [args...]}
 * runs {@code main-class} with {@code args} and exits this JVM (through {@link System#exit}, so the child's
 * own shutdown hooks run: a broker shuts down in a controlled way) as soon as the parent process is gone.
 *
 * <p>Without it a broker or registry would outlive a parent that was killed with {@code kill -9}, a surefire
 * fork that hit its timeout, or a wrapper stopped with Ctrl-C, and hold its port until someone noticed.
 * The JDK notices the exit of a process that is not its child by polling, so the child follows within a few
 * seconds.
 *
 * <p>This class must stay self-contained (JDK types only, no nested classes): {@link ChildJvm} copies its
 * class file alone onto the class path of the registry, whose own libraries must not mix with ours.
 */
public final class OrphanGuard {

    private OrphanGuard() {
    }

    /**
     * @param args the parent's pid, the main class to run, then that class's arguments
     * @throws Throwable whatever the guarded main throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: OrphanGuard <parent-pid> <main-class> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        ProcessHandle.of(parentPid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> exitOrphaned(parentPid)),
                () -> exitOrphaned(parentPid));
        MethodHandle main = MethodHandles.publicLookup().findStatic(
                Class.forName(args[1]), "main", MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 2, args.length));
    }

    private static void exitOrphaned(long parentPid) {
        System.err.println("OrphanGuard: parent process " + parentPid + " is gone; shutting down");
        System.exit(143);
    }
}
