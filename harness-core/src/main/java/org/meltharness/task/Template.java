package org.meltharness.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subset of Jinja that lm-evaluation-harness task files use in {@code doc_to_text},
 * {@code doc_to_target} and {@code doc_to_choice}: literal text with {@code {{ expression }}}
 * holes, where an expression is a document field with attribute, index and method access
 * ({@code choices.text}, {@code choices[0]}, {@code question.strip()},
 * {@code choices.label.index(answerKey)}) or a list literal ({@code [sol1, sol2]}).
 *
 * <p>Written by hand because the full Jinja engines for Java render values through Java's
 * string methods, not Python's, and the numbers depend on Python's {@code strip} and list
 * semantics. A template that is exactly one hole evaluates to the hole's value (a list stays a
 * list, an integer an integer), which is what lm-eval's {@code ast.literal_eval} of the rendered
 * text gives back.
 */
public final class Template {
    private final String source;
    private final List<Object> parts; // String literals and Expr holes

    private Template(String source, List<Object> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static Template parse(String source) {
        // Jinja statements and comments would otherwise pass into the prompt as literal text.
        for (String tag : new String[] {"{%", "{#"}) {
            if (source.contains(tag)) {
                throw new IllegalArgumentException("Jinja '" + tag + "' statements are not supported in templates: " + source);
            }
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            int open = source.indexOf("{{", i);
            if (open < 0) {
                parts.add(source.substring(i));
                break;
            }
            if (open > i) parts.add(source.substring(i, open));
            int close = source.indexOf("}}", open + 2);
            if (close < 0) throw new IllegalArgumentException("unclosed '{{' in template: " + source);
            Parser p = new Parser(source.substring(open + 2, close));
            Expr e = p.parseExpr();
            p.expectEnd();
            parts.add(e);
            i = close + 2;
        }
        return new Template(source, List.copyOf(parts));
    }

    /** Whether the template is exactly one {@code {{ }}} hole. */
    public boolean isSingleExpression() {
        return parts.size() == 1 && parts.getFirst() instanceof Expr;
    }

    /** The value of a single-hole template, or the rendered text of any other. */
    public Object evaluate(Map<String, Object> doc) {
        if (isSingleExpression()) return ((Expr) parts.getFirst()).eval(doc);
        return render(doc);
    }

    /** Renders to text, values converted as Jinja prints them. */
    public String render(Map<String, Object> doc) {
        StringBuilder sb = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String s) sb.append(s);
            else sb.append(PyRepr.str(((Expr) part).eval(doc)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return source;
    }

    /** An expression node. */
    private interface Expr {
        Object eval(Map<String, Object> doc);
    }

    private record Literal(Object value) implements Expr {
        public Object eval(Map<String, Object> doc) {
            return value;
        }
    }

    private record Field(String name) implements Expr {
        public Object eval(Map<String, Object> doc) {
            if (!doc.containsKey(name)) throw new TemplateException("document has no field '" + name + "'");
            return doc.get(name);
        }
    }

    private record ListOf(List<Expr> items) implements Expr {
        public Object eval(Map<String, Object> doc) {
            List<Object> out = new ArrayList<>(items.size());
            for (Expr e : items) out.add(e.eval(doc));
            return out;
        }
    }

    private record Attribute(Expr target, String name) implements Expr {
        public Object eval(Map<String, Object> doc) {
            Object t = target.eval(doc);
            if (t instanceof Map<?, ?> m && m.containsKey(name)) return m.get(name);
            throw new TemplateException("'" + PyRepr.typeName(t) + "' value has no attribute '" + name + "'");
        }
    }

    private record Index(Expr target, Expr index) implements Expr {
        public Object eval(Map<String, Object> doc) {
            Object t = target.eval(doc);
            Object i = index.eval(doc);
            if (t instanceof List<?> list && i instanceof Number num) {
                int k = num.intValue();
                if (k < 0) k += list.size();
                if (k < 0 || k >= list.size()) throw new TemplateException("list index " + num + " out of range");
                return list.get(k);
            }
            if (t instanceof Map<?, ?> m && m.containsKey(i)) return m.get(i);
            if (t instanceof String s && i instanceof Number num) {
                int[] cps = s.codePoints().toArray();
                int k = num.intValue() < 0 ? num.intValue() + cps.length : num.intValue();
                if (k < 0 || k >= cps.length) throw new TemplateException("string index out of range");
                return new String(cps, k, 1);
            }
            throw new TemplateException("cannot index '" + PyRepr.typeName(t) + "' with " + PyRepr.str(i));
        }
    }

    private record Call(Expr target, String method, List<Expr> args) implements Expr {
        public Object eval(Map<String, Object> doc) {
            Object t = target.eval(doc);
            List<Object> a = new ArrayList<>();
            for (Expr e : args) a.add(e.eval(doc));
            return switch (method) {
                case "strip" -> PyStr.strip(string(t));
                case "lstrip" -> PyStr.lstrip(string(t));
                case "rstrip" -> PyStr.rstrip(string(t));
                case "lower" -> string(t).toLowerCase(java.util.Locale.ROOT);
                case "upper" -> string(t).toUpperCase(java.util.Locale.ROOT);
                case "capitalize" -> PyStr.capitalize(string(t));
                case "index" -> {
                    if (!(t instanceof List<?> list) || a.size() != 1) {
                        throw new TemplateException("index() needs a list and one argument");
                    }
                    int k = list.indexOf(a.getFirst());
                    if (k < 0) throw new TemplateException(PyRepr.repr(a.getFirst()) + " is not in list");
                    yield k;
                }
                default -> throw new TemplateException("unsupported method '" + method + "()'");
            };
        }

        private String string(Object t) {
            if (t instanceof String s && args.isEmpty()) return s;
            throw new TemplateException(method + "() needs a string and no arguments");
        }
    }

    /** Recursive-descent parser over one hole's text. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Expr parseExpr() {
            Expr e = parsePrimary();
            while (true) {
                skipSpace();
                if (peek('.')) {
                    pos++;
                    String name = ident();
                    skipSpace();
                    if (peek('(')) {
                        pos++;
                        e = new Call(e, name, parseArgs(')'));
                    } else {
                        e = new Attribute(e, name);
                    }
                } else if (peek('[')) {
                    pos++;
                    Expr index = parseExpr();
                    expect(']');
                    e = new Index(e, index);
                } else {
                    return e;
                }
            }
        }

        private Expr parsePrimary() {
            skipSpace();
            if (pos >= s.length()) throw error("expression expected");
            char c = s.charAt(pos);
            if (c == '[') {
                pos++;
                return new ListOf(parseArgs(']'));
            }
            if (c == '\'' || c == '"') return new Literal(string(c));
            if (Character.isDigit(c) || c == '-') {
                int start = pos++;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
                return new Literal(Integer.parseInt(s.substring(start, pos)));
            }
            return new Field(ident());
        }

        private List<Expr> parseArgs(char close) {
            List<Expr> args = new ArrayList<>();
            skipSpace();
            if (peek(close)) {
                pos++;
                return args;
            }
            while (true) {
                args.add(parseExpr());
                skipSpace();
                if (peek(',')) {
                    pos++;
                    continue;
                }
                expect(close);
                return args;
            }
        }

        private String string(char quote) {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    char e = s.charAt(pos++);
                    sb.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> e;
                    });
                } else {
                    sb.append(c);
                }
            }
            expect(quote);
            return sb.toString();
        }

        private String ident() {
            skipSpace();
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
            if (start == pos) throw error("name expected");
            return s.substring(start, pos);
        }

        private void expect(char c) {
            skipSpace();
            if (!peek(c)) throw error("'" + c + "' expected");
            pos++;
        }

        void expectEnd() {
            skipSpace();
            if (pos != s.length()) throw error("unexpected '" + s.substring(pos) + "'");
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at column " + (pos + 1) + " of '{{" + s + "}}'");
        }
    }

    /** A template that does not fit the document it is applied to. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }
    }
}
