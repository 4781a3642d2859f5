package dev.submitworker.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.submitworker.testing.WorkerPropertyNames;
import dev.submitworker.testing.WorkerPropertyNames.Property;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The worker's application.yml, which the distribution ships as config/application.yml, lists every property of
 * {@link WorkerProperties}, each with its default, set or commented out ({@code # key: value}), and nothing that
 * is not a property: a property added to the code and not to the file fails here.
 */
class ConfigurationFileTest {

    private static final Path FILE = Path.of("src/main/resources/application.yml");
    /** {@code key: value} or {@code # key: value}; the '#' stands where the key would when uncommented */
    private static final Pattern KEY = Pattern.compile("^( *)(# )?( *)([a-z][a-z0-9-]*):(?: +(.*))?$");

    /** Each key of the file, commented or not, by its full name, with its value as written (null for a block). */
    private record Entry(String value, boolean commented) {}

    private static Map<String, Entry> entries() throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Deque<Map.Entry<Integer, String>> blocks = new ArrayDeque<>(); // indentation and name of the open blocks
        for (String line : Files.readAllLines(FILE)) {
            Matcher key = KEY.matcher(line);
            if (!key.matches()) {
                continue;
            }
            int indentation = key.group(1).length() + key.group(3).length();
            while (!blocks.isEmpty() && blocks.peek().getKey() >= indentation) {
                blocks.pop();
            }
            String name = (blocks.isEmpty() ? "" : blocks.peek().getValue() + ".") + key.group(4);
            String value = key.group(5) == null ? null : key.group(5).replaceAll(" +#.*$", "").strip();
            entries.put(name, new Entry(value, key.group(2) != null));
            blocks.push(Map.entry(indentation, name));
        }
        return entries;
    }

    @Test
    void everyPropertyIsInTheFile() throws IOException {
        Map<String, Entry> entries = entries();
        for (Property property : WorkerPropertyNames.all()) {
            assertThat(entries.keySet()).as("%s in %s", property.name(), FILE).anyMatch(property::matches);
        }
    }

    @Test
    void everyWorkerKeyInTheFileIsAProperty() throws IOException {
        List<Property> properties = WorkerPropertyNames.all();
        assertThat(entries().keySet()).filteredOn(name -> name.startsWith("worker."))
                .allSatisfy(name -> assertThat(properties).as("the key %s of %s", name, FILE)
                        .anyMatch(property -> property.matches(name) || property.encloses(name)
                                || property.isWithin(name)));
    }

    @Test
    void theValuesSetAreTheDefaults() throws IOException {
        Map<String, Entry> entries = entries();
        for (Property property : WorkerPropertyNames.all()) {
            Entry entry = entries.get(property.name());
            if (property.defaultValue() == null || entry == null || entry.commented()
                    || entry.value().contains("${")) {
                continue; // computed defaults (a host name, a temporary directory) and the home-relative paths
            }
            assertThat(entry.value().toLowerCase(Locale.ROOT).replace('-', '_'))
                    .as(property.name()).isEqualTo(property.defaultValue().toLowerCase(Locale.ROOT).replace('-', '_'));
        }
    }
}
