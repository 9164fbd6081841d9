package dev.etcdspring.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import dev.etcdspring.benchmarks.Scenario.Column;

/**
 * Writes the results: a Markdown table (one row per scenario, requests/s per client, ours as a multiple of the
 * baselines) and a bar chart drawn with Java2D, one group of bars per scenario scaled to its fastest client.
 */
final class Report {

    private static final Map<Column, Color> COLORS = new EnumMap<>(Map.ofEntries(Map.entry(Column.WRK, new Color(0x8c8c8c)),
            Map.entry(Column.RAW, new Color(0x4d4d4d)), Map.entry(Column.JDK, new Color(0x4e79a7)),
            Map.entry(Column.ETCD4J, new Color(0xf28e2b)), Map.entry(Column.JETCD, new Color(0xb07aa1)),
            Map.entry(Column.JETCD_SHARED_LEASE, new Color(0xd4a6c8)), Map.entry(Column.OURS, new Color(0x2ca02c)),
            Map.entry(Column.OURS_V2, new Color(0x98df8a)), Map.entry(Column.OURS_JETTY, new Color(0xbcbd22)),
            Map.entry(Column.OURS_HTTP, new Color(0x17becf)), Map.entry(Column.WRK_HTTP, new Color(0xc7c7c7))));

    private Report() {
    }

    static String markdown(List<Scenario> scenarios, String preamble) {
        StringBuilder md = new StringBuilder(preamble).append("\n\n| scenario |");
        for (Column column : Column.MAIN) {
            md.append(' ').append((column == Column.OURS) ? "**" + column.label + "**" : column.label).append(" |");
        }
        md.append(" ours × wrk | ours × raw socket | ours × best Java client |\n|---|");
        md.append("---:|".repeat(Column.MAIN.length + 3)).append('\n');
        List<String> failures = new ArrayList<>();
        for (Scenario s : scenarios) {
            md.append("| ").append(s.name).append(" |");
            for (Column column : Column.MAIN) {
                String cell;
                if (s.measured(column)) {
                    cell = String.format(Locale.ROOT, "%,.0f", s.median(column));
                    cell = (column == Column.OURS) ? "**" + cell + "**" : cell;
                }
                else if (s.notes.containsKey(column)) {
                    String note = s.notes.get(column);
                    if (note.startsWith("failed")) {
                        failures.add(s.name + ", " + column.label + ": " + note);
                        note = "failed";
                    }
                    cell = note;
                }
                else {
                    cell = "–";
                }
                md.append(' ').append(cell).append(" |");
            }
            md.append(' ').append(ratioAndRange(s, Column.OURS, Column.WRK)).append(" | ")
                .append(ratioAndRange(s, Column.OURS, Column.RAW)).append(" | ")
                .append(ratioAndRange(s, Column.OURS, s.javaClients())).append(" |\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n\n");
            failures.forEach((f) -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return md.toString();
    }

    /**
     * The v3-native scenarios ({@link KvBenchmarks}): for ours, jetcd and the raw socket, requests/s (the median of
     * the rounds) and the p50 and p99 latency of every request of the measured rounds together; then ours ÷ each
     * baseline's rate in the same round, the median over the rounds.
     */
    static String kvMarkdown(List<Scenario> scenarios) {
        Column[] columns = { Column.OURS, Column.JETCD, Column.RAW };
        StringBuilder md = new StringBuilder("""
                ## The v3-native API (`opsForKeyValue()`), requests/s and latency

                Requests/s: the median of the rounds; p50 / p99: of every request of the measured rounds together, in \
                milliseconds, each request timed from the caller's side; a ratio is ours ÷ the baseline's rate in the \
                same round, the median over the rounds. jetcd blocks on each future (`.get()`); the raw socket sends \
                the same JSON to the gateway as ours and reads the answer by string search (a prefix: only its count; \
                a scan: the last key of each page). Each thread of a transaction has a key of its own, so its \
                comparison always holds (the `else` get is sent, never run).

                | case |""");
        for (Column column : columns) {
            String label = (column == Column.OURS) ? "**ours**" : column.label;
            md.append(' ').append(label).append(", req/s | ").append(label).append(", p50 / p99 ms |");
        }
        md.append(" ours × jetcd | ours × raw socket |\n|---|").append("---:|".repeat(columns.length * 2 + 2))
            .append('\n');
        List<String> failures = new ArrayList<>();
        for (Scenario s : scenarios) {
            md.append("| ").append(s.name.substring(KvBenchmarks.NAME.length())).append(" |");
            for (Column column : columns) {
                if (s.measured(column)) {
                    String rate = String.format(Locale.ROOT, "%,.0f", s.median(column));
                    String latency = String.format(Locale.ROOT, "%s / %s", millis(s.latencyMillis(column, 50)),
                            millis(s.latencyMillis(column, 99)));
                    md.append(' ').append((column == Column.OURS) ? "**" + rate + "**" : rate).append(" | ")
                        .append(latency).append(" |");
                }
                else {
                    String note = s.notes.getOrDefault(column, "–");
                    if (note.startsWith("failed")) {
                        failures.add(s.name + ", " + column.label + ": " + note);
                        note = "failed";
                    }
                    md.append(' ').append(note).append(" | |");
                }
            }
            md.append(' ').append(ratioAndRange(s, Column.OURS, Column.JETCD)).append(" | ")
                .append(ratioAndRange(s, Column.OURS, Column.RAW)).append(" |\n");
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n\n");
            failures.forEach((f) -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return md.toString();
    }

    /**
     * The lock scenarios ({@link LockBenchmarks}): for ours on v3 and on v2 and for jetcd (a lease per lock, and one
     * lease per thread), locks/s or hand-overs/s (the median of the rounds) and the p50 and p99 of every cycle or
     * hand-over of the measured rounds together; ours ÷ jetcd's rate in the same round, the median over the rounds;
     * then the p50 of the acquire and of the release apart.
     */
    static String lockMarkdown(List<Scenario> scenarios) {
        Column[] columns = { Column.OURS, Column.OURS_V2, Column.JETCD, Column.JETCD_SHARED_LEASE };
        Map<Column, String> labels = new EnumMap<>(Map.of(Column.OURS, "**ours v3**", Column.OURS_V2, "**ours v2**",
                Column.JETCD, "jetcd, a lease per lock", Column.JETCD_SHARED_LEASE, "jetcd, one lease per thread"));
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
                ## Locks (`opsForLocks()`), acquire and release, and the hand-over

                Uncontended: one acquire and release after another on each thread, each thread on a lock name of its \
                own: locks/s (the median of the rounds), and p50 / p99 of every acquire-and-release of the measured \
                rounds together, in milliseconds. Ours: `acquire(name, LockOptions.defaults().ttl(10 s))`, then \
                `release()`, on v3 and on v2. jetcd (`Lock`, etcd's lock service, blocking on each future): a lease of \
                10 s granted for each lock, `lock(name, lease)`, `unlock(key)`, the lease revoked; and with one lease \
                per thread, granted once and kept alive by jetcd, `lock` and `unlock` only. Hand-over: %d threads, \
                each with its own client (template or jetcd client), contend for one lock; each releases as soon as \
                it holds and queues again; the time from the holder's call to `release()` (jetcd: `unlock`) to the \
                next holder's `acquire` returning, p50 / p99 of every hand-over while all %d were queued, and \
                hand-overs/s. A ratio is ours ÷ jetcd (a lease per lock) in the same round, the median over the \
                rounds.

                | case |""", LockBenchmarks.CONTENDERS, LockBenchmarks.CONTENDERS));
        for (Column column : columns) {
            md.append(' ').append(labels.get(column)).append(", /s | ").append(labels.get(column))
                .append(", p50 / p99 ms |");
        }
        md.append(" ours v3 × jetcd | ours v2 × jetcd |\n|---|").append("---:|".repeat(columns.length * 2 + 2))
            .append('\n');
        List<String> failures = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Scenario s : scenarios) {
            md.append("| ").append(s.name.substring(LockBenchmarks.NAME.length())).append(" |");
            List<String> partCells = new ArrayList<>();
            for (Column column : columns) {
                if (!s.loads.containsKey(column)) {
                    md.append(" – | |");
                }
                else if (s.measured(column)) {
                    String rate = String.format(Locale.ROOT, "%,.0f", s.median(column));
                    String latency = String.format(Locale.ROOT, "%s / %s", millis(s.latencyMillis(column, 50)),
                            millis(s.latencyMillis(column, 99)));
                    md.append(' ').append(column.name().startsWith("OURS") ? "**" + rate + "**" : rate).append(" | ")
                        .append(latency).append(" |");
                    List<String> timedParts = new ArrayList<>();
                    if (LockBenchmarks.isHandOver(s)) {
                        timedParts.add(String.format(Locale.ROOT, "hand-over p90 %s, mean %s (%,d hand-overs)",
                                millis(s.latencyMillis(column, 90)), millis(s.latencyMeanMillis(column)),
                                s.latencyCount(column)));
                    }
                    for (String part : s.parts(column)) {
                        timedParts.add(String.format(Locale.ROOT, "%s %s / %s", part,
                                millis(s.partMillis(column, part, 50)), millis(s.partMillis(column, part, 99))));
                    }
                    if (!timedParts.isEmpty()) {
                        partCells.add(labels.get(column) + ": " + String.join(", ", timedParts));
                    }
                }
                else {
                    String note = s.notes.getOrDefault(column, "–");
                    if (note.startsWith("failed")) {
                        failures.add(s.name + ", " + column.label + ": " + note);
                        note = "failed";
                    }
                    md.append(' ').append(note).append(" | |");
                }
            }
            md.append(' ').append(ratioAndRange(s, Column.OURS, Column.JETCD)).append(" | ")
                .append(ratioAndRange(s, Column.OURS_V2, Column.JETCD)).append(" |\n");
            if (!partCells.isEmpty()) {
                parts.add("- " + s.name.substring(LockBenchmarks.NAME.length()) + ": " + String.join("; ", partCells));
            }
        }
        if (!parts.isEmpty()) {
            md.append("\nThe parts apart, p50 / p99 ms (uncontended: the acquire and the release of each cycle; "
                    + "hand-over: the p90 and the mean of the hand-over, whose inverse is the rate, and the holder's "
                    + "release call, which the next holder's wait overlaps):\n\n");
            parts.forEach((line) -> md.append(line).append('\n'));
        }
        if (!failures.isEmpty()) {
            md.append("\nFailures:\n\n");
            failures.forEach((f) -> md.append("- ").append(f.replace('\n', ' ')).append('\n'));
        }
        return md.toString();
    }

    /**
     * A column over the best of some baselines: the median of the same-round ratios, and in brackets the lowest
     * and the highest of them, the spread a difference between runs must exceed.
     */
    static String ratioAndRange(Scenario s, Column column, Column... baselines) {
        List<Double> ratios = s.roundRatios(column, baselines);
        if (ratios.isEmpty()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", Scenario.median(ratios), Collections.min(ratios),
                Collections.max(ratios));
    }

    private static String millis(double millis) {
        return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, (millis < 10) ? "%.2f" : "%.0f", millis);
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    static void chart(List<Scenario> scenarios, String title, Path png) throws IOException {
        int width = 1100;
        int left = 150;
        int barArea = 760;
        int bar = 13;
        int height = 90;
        for (Scenario s : scenarios) {
            height += 26 + bar * s.loads.size() + 10;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("requests/s, median of the rounds; each group's bars scaled to its fastest client", 20, 48);
        int x = 20;
        List<Column> main = List.of(Column.MAIN);
        for (Column column : Column.values()) {
            if (!main.contains(column) && scenarios.stream().noneMatch((s) -> s.loads.containsKey(column))) {
                continue;
            }
            g.setColor(COLORS.get(column));
            g.fillRect(x, 60, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(column.label, x + 16, 71);
            x += 30 + g.getFontMetrics().stringWidth(column.label);
        }
        int y = 90;
        for (Scenario s : scenarios) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            Map<String, Double> ours = new LinkedHashMap<>();
            ours.put("wrk", s.oursOver(Column.WRK));
            ours.put("raw socket", s.oursOver(Column.RAW));
            ours.put("best Java client", s.oursOver(s.javaClients()));
            String ratios = "";
            for (Map.Entry<String, Double> ratio : ours.entrySet()) {
                if (!Double.isNaN(ratio.getValue())) {
                    ratios += (ratios.isEmpty() ? "  — ours " : ", ") + ratio(ratio.getValue()) + " × " + ratio.getKey();
                }
            }
            g.drawString(s.name + ratios, 20, y + 16);
            y += 26;
            double max = s.loads.keySet().stream().filter(s::measured).mapToDouble(s::median).max().orElse(1);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (Column column : s.loads.keySet()) {
                g.setColor(Color.DARK_GRAY);
                g.drawString(column.label, 30, y + bar - 2);
                if (s.measured(column)) {
                    double rate = s.median(column);
                    int length = (int) Math.max(1, Math.round(barArea * rate / max));
                    g.setColor(COLORS.get(column));
                    g.fillRect(left, y + 1, length, bar - 2);
                    g.setColor(Color.BLACK);
                    g.drawString(String.format(Locale.ROOT, "%,.0f", rate), left + length + 6, y + bar - 2);
                }
                else {
                    g.setColor(Color.RED.darker());
                    g.drawString(s.notes.getOrDefault(column, "–").lines().findFirst().orElse(""), left, y + bar - 2);
                }
                y += bar;
            }
            y += 10;
            g.setColor(new Color(0xdddddd));
            g.setStroke(new BasicStroke(1));
            g.drawLine(20, y - 5, width - 20, y - 5);
        }
        g.dispose();
        Files.createDirectories(png.getParent());
        ImageIO.write(image, "png", png.toFile());
    }
}
