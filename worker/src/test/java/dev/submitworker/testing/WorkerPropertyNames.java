package dev.submitworker.testing;

import dev.submitworker.app.WorkerProperties;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Every {@code worker.*} property, read from {@link WorkerProperties} itself (records within records, named map
 * entries as {@code *}), with the default its {@code @DefaultValue} gives: what a configuration file or an
 * environment can be checked against.
 */
public final class WorkerPropertyNames {

    /** @param name in the canonical form ({@code worker.topics.dead-letter}, {@code worker.clusters.*.type}) */
    public record Property(String name, String defaultValue) {

        /** Whether a name as written (a map entry's key in place of {@code *}) is this property. */
        public boolean matches(String written) {
            return pattern(name).matcher(written).matches();
        }

        /** Whether a name as written lies inside this property (the keys of a map of strings, such as flink-config). */
        public boolean encloses(String written) {
            return pattern(name + ".*").matcher(written).matches() && !name.endsWith(".*");
        }

        /** Whether a name as written is an enclosing block of this property ({@code worker.topics}). */
        public boolean isWithin(String written) {
            String[] parts = name.split("\\.");
            String[] writtenParts = written.split("\\.");
            if (writtenParts.length >= parts.length) {
                return false;
            }
            for (int i = 0; i < writtenParts.length; i++) {
                if (!parts[i].equals("*") && !parts[i].equals(writtenParts[i])) {
                    return false;
                }
            }
            return true;
        }

        private static Pattern pattern(String name) {
            return Pattern.compile(Pattern.quote(name).replace("*", "\\E[^.]+\\Q"));
        }
    }

    private WorkerPropertyNames() {}

    public static List<Property> all() {
        List<Property> properties = new ArrayList<>();
        collect("worker", WorkerProperties.class, properties);
        return properties;
    }

    private static void collect(String prefix, Class<?> record, List<Property> properties) {
        RecordComponent[] components = record.getRecordComponents();
        // @DefaultValue is a parameter's annotation: it lands on the canonical constructor, not on the component
        Parameter[] parameters;
        try {
            parameters = record.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new)).getParameters();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String name = prefix + "." + kebab(component.getName());
            Class<?> type = component.getType();
            if (type.isRecord()) {
                collect(name, type, properties);
            } else if (Map.class.isAssignableFrom(type) && valueType(component.getGenericType()) instanceof Class<?> value
                    && value.isRecord()) {
                collect(name + ".*", value, properties);
            } else {
                DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
                properties.add(new Property(name, defaultValue == null || defaultValue.value().length == 0 ? null
                        : String.join(",", defaultValue.value())));
            }
        }
    }

    private static Type valueType(Type mapType) {
        Type value = ((ParameterizedType) mapType).getActualTypeArguments()[1];
        // Map<String, @Valid ClusterProperties>: the annotated type's raw class
        return value instanceof ParameterizedType parameterized ? parameterized.getRawType() : value;
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
