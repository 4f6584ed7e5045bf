package org.jamesexim.operations.queuefile;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;
import org.jamesexim.common.config.ParamValues;
import org.jamesexim.mailets.PackFiles;
import org.jamesexim.mailets.QueueFile;
import org.jamesexim.mailets.QueueFileRequeue;
import org.jamesexim.mailets.config.GlueParams;
import org.jamesexim.operations.PackConfiguration;
import org.jamesexim.queuefile.SpoolDirectory;
import org.jamesexim.queuefile.SpoolFormat;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;

/**
 * The queuefile directories as configured: the {@code directory} (and {@code format}, {@code eximIdLength}) of
 * every {@code org.jamesexim.mailets.QueueFile} mailet in {@code mailetcontainer.xml} (where mail waits for the
 * scanner), and the incoming {@code directory} of {@code conf/queuefile.properties} (what
 * {@code QueueFileRequeue} watches), each read with the parameter declarations of the class that uses it. Read once,
 * when first asked (James has read and checked the same settings at start).
 */
@Singleton
public class QueueFileDirectories {
    private final PackConfiguration configuration;
    private final PropertiesProvider properties;
    private final FileSystem fileSystem;
    /** Read when first asked; a failed read is tried again at the next question. */
    private final Supplier<Loaded> loaded = Suppliers.memoize(this::readUnchecked);

    private static final class Loaded {
        final List<SpoolDirectory> out;
        final Optional<SpoolDirectory> incoming;

        Loaded(List<SpoolDirectory> out, Optional<SpoolDirectory> incoming) {
            this.out = out;
            this.incoming = incoming;
        }
    }

    @Inject
    public QueueFileDirectories(PackConfiguration configuration, PropertiesProvider properties, FileSystem fileSystem) {
        this.configuration = configuration;
        this.properties = properties;
        this.fileSystem = fileSystem;
    }

    /** The directories of the QueueFile mailets, in the order of mailetcontainer.xml (none: queuefile is not configured). */
    public List<SpoolDirectory> outDirectories() throws IOException {
        return load().out;
    }

    /** The incoming directory of queuefile.properties, if the requeuer is configured. */
    public Optional<SpoolDirectory> incoming() throws IOException {
        return load().incoming;
    }

    /** The configured directory at this path (as configured or as resolved), if there is one. */
    public Optional<SpoolDirectory> outDirectory(String path) throws IOException {
        for (SpoolDirectory d : outDirectories()) {
            if (d.directory().toString().equals(path)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private Loaded load() throws IOException {
        try {
            return loaded.get();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Loaded readUnchecked() {
        try {
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Loaded read() throws IOException {
        List<SpoolDirectory> out = new ArrayList<>();
        for (PackConfiguration.Element e : configuration.mailets(QueueFile.class.getName())) {
            ParamValues v = GlueParams.read(QueueFile.PARAMETERS, e.parameters(), QueueFile.class, "");
            Path dir = PackFiles.resolve(fileSystem, v.get(QueueFile.DIRECTORY));
            out.add(SpoolDirectory.open(dir, v.get(QueueFile.FORMAT), v.get(QueueFile.EXIM_ID_LENGTH)));
        }
        Optional<SpoolDirectory> incoming = Optional.empty();
        Configuration conf = null;
        try {
            conf = properties.getConfiguration("queuefile");
        } catch (FileNotFoundException e) {
            // no requeuer configured
        } catch (ConfigurationException e) {
            throw new IOException("queuefile.properties: cannot be read (" + e.getMessage() + ")", e);
        }
        if (conf != null) {
            ParamValues v = GlueParams.read(QueueFileRequeue.PARAMETERS, GlueParams.source(conf), QueueFileRequeue.class, "queuefile.properties: ");
            SpoolFormat format = v.get(QueueFileRequeue.FORMAT);
            incoming = Optional.of(SpoolDirectory.open(PackFiles.resolve(fileSystem, v.get(QueueFileRequeue.DIRECTORY)), format));
        }
        return new Loaded(Collections.unmodifiableList(out), incoming);
    }
}
