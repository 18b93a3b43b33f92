package org.meltharness.table;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.meltharness.io.Json;

/** The formats a table is printed and written in; each renders the same {@link Table}. */
public enum TableFormat {
    CSV("csv") {
        @Override
        public String render(Table t) {
            StringWriter out = new StringWriter();
            try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(t.header().toArray(String[]::new))
                    .setRecordSeparator('\n').get())) {
                for (List<String> r : t.rows()) p.printRecord(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }
    },
    MD("md") {
        @Override
        public String render(Table t) {
            StringBuilder sb = new StringBuilder();
            if (t.caption() != null) sb.append("### ").append(t.caption()).append("\n\n");
            sb.append("| ").append(String.join(" | ", t.header())).append(" |\n");
            sb.append("|");
            for (Table.Align a : t.align()) sb.append(a == Table.Align.RIGHT ? "---:|" : "---|");
            sb.append('\n');
            for (List<String> r : t.rows()) sb.append("| ").append(String.join(" | ", r).replace("\n", " ")).append(" |\n");
            if (!t.notes().isEmpty()) sb.append('\n');
            for (String n : t.notes()) sb.append(n).append('\n');
            return sb.toString();
        }
    },
    TEX("tex") {
        @Override
        public String render(Table t) {
            StringBuilder sb = new StringBuilder("% ").append(t.caption() == null ? t.name() : t.caption()).append(" (booktabs)\n");
            sb.append("\\begin{table}\n\\centering\n");
            if (t.caption() != null) sb.append("\\caption{").append(escape(t.caption())).append("}\n");
            sb.append("\\begin{tabular}{");
            for (Table.Align a : t.align()) sb.append(a == Table.Align.RIGHT ? 'r' : 'l');
            sb.append("}\n\\toprule\n");
            sb.append(String.join(" & ", t.header().stream().map(TableFormat::escape).toList())).append(" \\\\\n\\midrule\n");
            for (List<String> r : t.rows()) sb.append(String.join(" & ", r.stream().map(TableFormat::escape).toList())).append(" \\\\\n");
            sb.append("\\bottomrule\n\\end{tabular}\n");
            for (String n : t.notes()) sb.append("\\par\\footnotesize ").append(escape(n)).append('\n');
            return sb.append("\\end{table}\n").toString();
        }
    },
    JSON("json") {
        @Override
        public String render(Table t) {
            return Json.pretty(t);
        }
    };

    private final String extension;

    TableFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public abstract String render(Table t);

    public static TableFormat parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw org.meltharness.HarnessException.usage("unknown format '" + name + "'; formats are md, csv, tex, json");
        }
    }

    /** LaTeX-safe text; the ± of cells becomes math mode. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(switch (c) {
                case '\\' -> "\\textbackslash{}";
                case '&', '%', '_', '#', '$', '{', '}' -> "\\" + c;
                case '~' -> "\\textasciitilde{}";
                case '^' -> "\\textasciicircum{}";
                case '±' -> "$\\pm$";
                case 'Δ' -> "$\\Delta$";
                case '—' -> "--";
                default -> String.valueOf(c);
            });
        }
        return sb.toString();
    }
}
