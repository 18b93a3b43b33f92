package org.meltharness.model;

/**
 * The one name a model goes by in run ids, tables and plots: its alias, else the last two parts of
 * the path or repository id it was asked by ({@code stories260K/hf-pad192}, {@code org/name}).
 *
 * @param name the alias or the last two parts
 * @param randomWeights the run used seeded random weights of the model's shape
 */
public record ModelLabel(String name, boolean randomWeights) {

    /**
     * @param requested what was typed for --model
     * @param alias the alias it resolved to, or null
     */
    public static ModelLabel of(String requested, String alias, boolean randomWeights) {
        if (alias != null) return new ModelLabel(alias, randomWeights);
        // "." and ".." say where the path starts, not what the model is: ./m and ../x/m are m and x/m.
        java.util.List<String> parts = java.util.Arrays.stream(requested.split("/"))
                .filter(p -> !p.isEmpty() && !p.equals(".") && !p.equals("..")).toList();
        if (parts.isEmpty()) return new ModelLabel(requested, randomWeights);
        return new ModelLabel(String.join("/", parts.subList(Math.max(0, parts.size() - 2), parts.size())), randomWeights);
    }

    /** As tables show it: the name, random weights marked. */
    public String display() {
        return randomWeights ? name + " (random weights)" : name;
    }

    /** The readable part of a run id: the name with its parts joined by '-', random weights marked, the quantisation. */
    public String runIdPart(String quant) {
        return name.replace('/', '-') + (randomWeights ? "-random" : "") + (quant == null ? "" : "-" + quant);
    }
}
