package org.meltharness.data;

/**
 * One file a split was read from.
 *
 * @param path the path relative to a data folder, as the manifest names it
 * @param resolvedPath where it was read
 * @param origin {@code data-dir}, {@code cache} or {@code downloaded}
 * @param verified whether its sha256 (or its archive's) matched the manifest
 */
public record DataFile(String path, String resolvedPath, String sha256, String origin, boolean verified) {}
