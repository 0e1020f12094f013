package dev.dialectic.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures what a scenario costs while it runs: CPU of this process (the service and the load generator, from
 * {@link OperatingSystemMXBean#getProcessCpuTime()}) and of other processes (the broker and the registry of a
 * stack this run started, from {@link ProcessHandle.Info#totalCpuDuration()}), the heap left after each garbage
 * collection (from the collectors' notifications: the live set plus garbage not yet reached, an upper bound of
 * what the run needs), and the peaks of any gauges given.
 */
final class ResourceMonitor {

    private static final long SAMPLE_EVERY_MS = 100;
    private static final double MIB = 1024.0 * 1024.0;

    private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    private final Map<String, ProcessHandle> others;
    private final Map<String, LongSupplier> gauges;
    private final Map<String, AtomicLong> peaks = new ConcurrentHashMap<>();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicInteger collections = new AtomicInteger();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener onGc = this::onGc;
    private final long startNanos;
    private final long startCpuNanos;
    private final Map<String, Long> startOtherCpuNanos = new LinkedHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private ResourceMonitor(Map<String, ProcessHandle> others, Map<String, LongSupplier> gauges) {
        this.others = Map.copyOf(others);
        this.gauges = Map.copyOf(gauges);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(onGc, null, null);
                emitters.add(emitter);
            }
        }
        others.forEach((name, process) -> startOtherCpuNanos.put(name, cpuNanos(process)));
        this.startCpuNanos = os.getProcessCpuTime();
        this.startNanos = System.nanoTime();
        this.sampler = Thread.ofPlatform().name("bench-resource-sampler").daemon().start(this::sample);
    }

    /**
     * Starts measuring.
     *
     * @param others processes to measure the CPU of, by name
     * @param gauges values to record the peak of, by name, sampled every {@value #SAMPLE_EVERY_MS} ms
     */
    static ResourceMonitor start(Map<String, ProcessHandle> others, Map<String, LongSupplier> gauges) {
        return new ResourceMonitor(others, gauges);
    }

    private void sample() {
        while (running) {
            peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            gauges.forEach((name, gauge) ->
                    peaks.computeIfAbsent(name, n -> new AtomicLong(Long.MIN_VALUE))
                            .accumulateAndGet(gauge.getAsLong(), Math::max));
            try {
                Thread.sleep(SAMPLE_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void onGc(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        peakAfterGc.accumulateAndGet(used, Math::max);
        collections.incrementAndGet();
    }

    /** Stops measuring and returns what was measured since {@link #start}. */
    Usage stop() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double appCores = (os.getProcessCpuTime() - startCpuNanos) / 1e9 / seconds;
        Map<String, Double> otherCores = new LinkedHashMap<>();
        others.forEach((name, process) ->
                otherCores.put(name, (cpuNanos(process) - startOtherCpuNanos.get(name)) / 1e9 / seconds));
        running = false;
        sampler.interrupt();
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(onGc);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        Map<String, Long> gaugePeaks = new LinkedHashMap<>();
        peaks.forEach((name, peak) -> gaugePeaks.put(name, peak.get()));
        return new Usage(seconds, appCores, otherCores, collections.get(), peakAfterGc.get() / MIB,
                peakUsed.get() / MIB, gaugePeaks);
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * What a scenario cost.
     *
     * @param seconds wall time measured
     * @param appCores CPU of this JVM (service and load generator) in cores: CPU time over wall time
     * @param otherCores CPU of the other measured processes in cores, by name
     * @param collections garbage collections seen
     * @param peakHeapAfterGcMiB the most heap in use right after a collection; 0 when none ran
     * @param peakHeapUsedMiB the most heap in use at any sample, garbage included
     * @param gaugePeaks the peak of each gauge
     */
    record Usage(double seconds, double appCores, Map<String, Double> otherCores, int collections,
            double peakHeapAfterGcMiB, double peakHeapUsedMiB, Map<String, Long> gaugePeaks) {

        Usage {
            otherCores = Map.copyOf(otherCores);
            gaugePeaks = Map.copyOf(gaugePeaks);
        }

        /** All measured processes together, in cores. */
        double totalCores() {
            return appCores + otherCores.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** The heap figure to report: after GC when a collection ran, else the sampled peak. */
        double peakHeapMiB() {
            return collections > 0 ? peakHeapAfterGcMiB : peakHeapUsedMiB;
        }
    }
}
