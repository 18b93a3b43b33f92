package org.meltharness.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meltharness.HarnessException;

/**
 * Builds each document's prompts exactly as lm-evaluation-harness's {@code fewshot_context},
 * {@code build_qa_turn} and {@code construct_requests} do for multiple-choice tasks: the
 * description, then k examples as {@code question + target_delimiter + answer + fewshot_delimiter},
 * then the question; one request per choice with the target delimiter before the choice.
 */
public final class RequestBuilder {
    private final TaskSpec spec;
    private final Template description;
    private final Field text;
    private final Field target;
    private final Field choice;

    public RequestBuilder(TaskSpec spec) {
        this.spec = spec;
        this.description = parse(spec.description(), "description");
        this.text = new Field(spec.docToText(), "doc_to_text");
        this.target = new Field(spec.docToTarget(), "doc_to_target");
        this.choice = new Field(spec.docToChoice(), "doc_to_choice");
    }

    /**
     * Requests for the first {@code limit} documents, in order. The sampler is consumed once per
     * document, so the few-shot examples of document i do not depend on which documents are later
     * skipped.
     */
    public List<DocRequests> build(List<Map<String, Object>> docs, int limit, int numFewshot, FewshotSampler sampler) {
        int n = Math.min(limit, docs.size());
        List<DocRequests> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> doc = docs.get(i);
            try {
                out.add(build(i, doc, numFewshot == 0 ? List.of() : sampler.sample(numFewshot, doc)));
            } catch (Template.TemplateException | IllegalArgumentException e) {
                throw HarnessException.badData(spec.task() + " document " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    DocRequests build(int docId, Map<String, Object> doc, List<Map<String, Object>> examples) {
        StringBuilder prefix = new StringBuilder(description.render(doc));
        for (Map<String, Object> ex : examples) {
            Object q = text.text(ex);
            List<String> c = choices(ex);
            Object a = target.target(ex);
            if (q instanceof Integer idx) { // multiple input: the example is its context with the gold fill
                q = c.get(idx);
                c = null;
            }
            prefix.append((String) q);
            if (a != null && !"".equals(a)) {
                prefix.append(spec.targetDelimiter());
                prefix.append(c != null && a instanceof Integer idx ? c.get(idx) : answerText(a));
                prefix.append(spec.fewshotDelimiter());
            }
        }
        Object q = text.text(doc);
        List<String> c = choices(doc);
        List<DocRequests.Request> requests = new ArrayList<>();
        int gold;
        boolean multipleInput = q instanceof Integer;
        if (multipleInput) {
            String cont = spec.targetDelimiter() + answerText(target.target(doc));
            for (String ctx : c) requests.add(new DocRequests.Request(prefix + ctx, cont));
            gold = (Integer) q;
        } else {
            String ctx = prefix + (String) q;
            for (String ch : c) requests.add(new DocRequests.Request(ctx, spec.targetDelimiter() + ch));
            gold = goldIndex(target.target(doc), c);
        }
        if (gold < 0 || gold >= c.size()) {
            throw new IllegalArgumentException("gold index " + gold + " is outside the " + c.size() + " choices");
        }
        return new DocRequests(docId, doc, requests, c, gold, multipleInput);
    }

    private List<String> choices(Map<String, Object> doc) {
        Object v = choice.value(doc);
        if (!(v instanceof List<?> list)) throw new IllegalArgumentException("doc_to_choice did not give a list: " + v);
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) out.add(PyRepr.str(o));
        return out;
    }

    private static int goldIndex(Object t, List<String> choices) {
        if (t instanceof Integer i) return i;
        if (t instanceof String s) {
            int i = choices.indexOf(s);
            if (i < 0) throw new IllegalArgumentException("target '" + s + "' is not among the choices");
            return i;
        }
        throw new IllegalArgumentException("unsupported target " + t);
    }

    private static String answerText(Object a) {
        if (a instanceof List<?> list) return PyRepr.str(list.getFirst());
        return PyRepr.str(a);
    }

    private static Template parse(String source, String key) {
        try {
            return Template.parse(source);
        } catch (IllegalArgumentException e) {
            throw HarnessException.badData(key + ": " + e.getMessage());
        }
    }

    /**
     * One of doc_to_text / doc_to_target / doc_to_choice, with lm-eval's rules: an integer is
     * itself, a string naming a document field is that field, a YAML list is itself, anything else
     * is a template.
     */
    private static final class Field {
        private final Object raw;
        private final Template template;

        Field(Object raw, String key) {
            this.raw = raw;
            this.template = raw instanceof String s ? parse(s, key) : null;
        }

        Object value(Map<String, Object> doc) {
            if (raw instanceof String s && doc.containsKey(s)) return doc.get(s);
            if (template != null) return template.evaluate(doc);
            return raw;
        }

        /** doc_to_text: a string, or an integer (multiple-input mode); digit strings become integers. */
        Object text(Map<String, Object> doc) {
            Object v = value(doc);
            if (v instanceof String s && PyStr.isDigits(s) && !(raw instanceof String f && doc.containsKey(f))) {
                return Integer.parseInt(s);
            }
            if (v instanceof Integer || v instanceof String) return v;
            if (v instanceof Number num) return num.intValue();
            throw new IllegalArgumentException("doc_to_text gave " + PyRepr.repr(v));
        }

        /** doc_to_target: an index, a choice text, or a list of them. */
        Object target(Map<String, Object> doc) {
            Object v = value(doc);
            if (v instanceof String s && PyStr.isDigits(s)) return Integer.parseInt(s);
            if (v instanceof Number num && !(v instanceof Integer)) return num.intValue();
            return v;
        }
    }
}
