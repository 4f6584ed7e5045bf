package org.jamesexim.mailets;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.james.filesystem.api.FileSystem;

/**
 * File parameters of the pack's mailets and hooks (ArcSeal {@code key}, SRS {@code secretsFile}, QueueFile
 * {@code directory}, {@code queuefile.properties} {@code directory}): an absolute path, or a {@code file://} URL that
 * James's own {@link FileSystem} resolves as in James's configuration ({@code file://conf/...} the configuration
 * folder, {@code file://var/...} the var folder, {@code file://x/...} relative to James's home, {@code file:///...}
 * absolute). So a configuration copied to another James home (e.g. {@code /root/} in the Docker images) keeps working.
 */
public final class PackFiles {
    private PackFiles() {
    }

    /** True for a {@code file://} URL. */
    public static boolean isFileUrl(String spec) {
        return spec != null && spec.trim().startsWith(FileSystem.FILE_PROTOCOL);
    }

    /**
     * The absolute path {@code spec} names; plain paths are returned as written.
     *
     * @param fileSystem James's file system, or null where none is injected (then {@code file://} is refused)
     * @throws IllegalArgumentException for a {@code file://} URL that cannot be resolved
     */
    public static Path resolve(FileSystem fileSystem, String spec) {
        String s = spec.trim();
        if (!isFileUrl(s)) {
            return Paths.get(s);
        }
        if (fileSystem == null) {
            throw new IllegalArgumentException(s + ": file:// paths are resolved by James's FileSystem, which this instance was not given");
        }
        try {
            return fileSystem.getFile(s).toPath().toAbsolutePath().normalize();
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(s + ": " + e.getMessage(), e);
        }
    }
}
