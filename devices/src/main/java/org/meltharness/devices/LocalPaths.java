package org.meltharness.devices;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where a name a device gave may be written on this machine: inside one folder (the run's local
 * copy, the sysfs mirror) or nowhere. A device is not trusted with paths, even one whose host key
 * checks out: the verified device may be the attacker, and its answers become local file names.
 */
final class LocalPaths {
    private LocalPaths() {}

    /**
     * {@code root.resolve(relative)}, or null when {@code relative} is empty, absolute, holds a
     * {@code .}, {@code ..} or empty part, or a control character, or when the result or any folder
     * on the way to it is a symbolic link (one put there would lead the write elsewhere).
     */
    static Path inside(Path root, String relative) {
        if (!isPlainRelative(relative)) return null;
        Path target;
        try {
            target = root.resolve(relative);
        } catch (InvalidPathException e) {
            return null;
        }
        Path base = root.toAbsolutePath().normalize();
        if (!target.toAbsolutePath().normalize().startsWith(base) || target.toAbsolutePath().normalize().equals(base)) return null;
        for (Path p = target; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) return null;
        }
        return target;
    }

    /**
     * Whether {@code relative} is a relative path of ordinary names: not empty or absolute, no
     * {@code .}, {@code ..} or empty part, no control character. A check of the text alone.
     */
    static boolean isPlainRelative(String relative) {
        if (relative == null || relative.isEmpty() || relative.startsWith("/") || !printable(relative).equals(relative)) return false;
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) return false;
        }
        return true;
    }

    /**
     * {@code text} without control characters (tab kept), for echoing what a device said: its logs
     * and names reach this terminal, where escape sequences would act.
     */
    static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0);
            if (control && sb == null) sb = new StringBuilder(text.length()).append(text, 0, i);
            if (sb != null && !control) sb.append(c);
        }
        return sb == null ? text : sb.toString();
    }
}
