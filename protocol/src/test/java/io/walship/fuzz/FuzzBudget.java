package io.walship.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets a long local run raise the tries of every fuzz property: {@code -Dwalship.fuzz.tries=N} replaces the
 * fixed number each property declares. The seed stays fixed, so a failure found that way reproduces too.
 */
public final class FuzzBudget implements AroundPropertyHook {

    public static final String TRIES = "walship.fuzz.tries";

    /** Registered on a test class, it applies to the properties in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String tries = System.getProperty(TRIES);
        // Examples take no parameters and run once however many tries are asked for.
        if (tries != null && !tries.isBlank() && context.targetMethod().getParameterCount() > 0) {
            context.attributes().setTries(Integer.parseInt(tries.strip()));
        }
        return property.execute();
    }
}
