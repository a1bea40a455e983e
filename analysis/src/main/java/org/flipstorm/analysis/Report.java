package org.flipstorm.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.flipstorm.common.io.AtomicFiles;

/**
 * One self-contained HTML page: the headline lines, every table and every chart. PNGs are embedded
 * as data URIs, so the file opens from disk, mailed or copied alone; each chart also links its SVG
 * file, relative to the report.
 */
public final class Report {
    /** The campaigns table, shown first: what the report is about. */
    private static final String CAMPAIGNS = "campaigns";

    private Report() {}

    /** Writes the report to {@code file}, atomically. */
    public static void write(Path file, String title, List<String> headlines, List<Table> tables,
                             List<Charts.Drawn> charts) throws IOException {
        Path abs = file.toAbsolutePath();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}\n")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:13px}\n")
                .append("th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
                .append("th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}\n")
                .append("figure{margin:1em 0 2em}figcaption{font-size:13px;color:#555}\n")
                .append("img{max-width:100%;border:1px solid #eee}\n</style></head>\n<body>\n<h1>")
                .append(esc(title)).append("</h1>\n");
        if (!headlines.isEmpty()) {
            h.append("<ul>\n");
            headlines.forEach(l -> h.append("<li>").append(esc(l)).append("</li>\n"));
            h.append("</ul>\n");
        }
        tables.stream().filter(t -> t.name().equals(CAMPAIGNS)).forEach(t -> table(h, t)); // what this is, first
        h.append("<h2>Charts</h2>\n");
        for (Charts.Drawn c : charts) {
            String png = Base64.getEncoder().encodeToString(Files.readAllBytes(c.png()));
            h.append("<figure id=\"").append(esc(c.name())).append("\"><img alt=\"").append(esc(c.title()))
                    .append("\" src=\"data:image/png;base64,").append(png).append("\">\n<figcaption>")
                    .append(esc(c.caption())).append(" <a href=\"").append(esc(relative(abs, c.svg())))
                    .append("\">SVG</a></figcaption></figure>\n");
        }
        h.append("<h2>Tables</h2>\n");
        for (Table t : tables) {
            if (!t.name().equals(CAMPAIGNS)) {
                table(h, t);
            }
        }
        h.append("</body></html>\n");
        AtomicFiles.writeString(abs, h.toString());
    }

    private static String relative(Path report, Path target) {
        return report.getParent().relativize(target.toAbsolutePath()).toString().replace('\\', '/');
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** One table as HTML. */
    private static void table(StringBuilder h, Table t) {
        h.append("<h3 id=\"").append(esc(t.name())).append("\">").append(esc(t.title())).append("</h3>\n<table>\n<tr>");
        t.columns().forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>\n");
        for (List<String> r : t.rows()) {
            h.append("<tr>");
            r.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }
}
