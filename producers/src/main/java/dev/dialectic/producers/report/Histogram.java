package dev.dialectic.producers.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Equal-width bins shared by several samples, so their distributions can be drawn side by side: the range from
 * the smallest to the largest value of all samples cut into ⌈√n⌉ bins (n: all values), at least 5 and at most
 * 30; a single bin when every value is the same. Each bin holds the values from its lower edge up to but not
 * including its upper edge; the last bin includes its upper edge. Written here because no library this project
 * uses bins data: it is a few lines.
 *
 * @param edges the bins' edges, one more than there are bins, ascending
 * @param counts per sample, how many of its values each bin holds
 */
record Histogram(double[] edges, List<int[]> counts) {

    static final int MIN_BINS = 5;
    static final int MAX_BINS = 30;

    Histogram {
        edges = edges.clone();
        counts = counts.stream().map(int[]::clone).toList();
    }

    static Histogram of(List<Latencies> samples) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int values = 0;
        for (Latencies sample : samples) {
            if (!sample.isEmpty()) {
                min = Math.min(min, sample.min());
                max = Math.max(max, sample.max());
                values += sample.count();
            }
        }
        if (values == 0) {
            return new Histogram(new double[0], samples.stream().map(s -> new int[0]).toList());
        }
        int bins = max == min ? 1 : Math.clamp((long) Math.ceil(Math.sqrt(values)), MIN_BINS, MAX_BINS);
        double width = (max - min) / bins;
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = i == bins ? max : min + i * width;
        }
        List<int[]> counts = new ArrayList<>();
        for (Latencies sample : samples) {
            int[] count = new int[bins];
            for (double value : sample.seconds()) {
                count[width == 0 ? 0 : Math.min(bins - 1, (int) ((value - min) / width))]++;
            }
            counts.add(count);
        }
        return new Histogram(edges, counts);
    }

    int bins() {
        return edges.length == 0 ? 0 : edges.length - 1;
    }
}
